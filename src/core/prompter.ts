import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AbortedError, reasonText } from './errors.js';

/**
 * Asks the person at the terminal (-on-error=ask, -debug's pauses). Builds run in parallel, so
 * questions are asked one at a time, in the order they come.
 */
export interface Prompter {
  /**
   * Calls `ask` when this question's turn comes (it prints the question through the event bus, like
   * every other line), then resolves the next line typed, trimmed; rejects with AbortedError when
   * `signal` fires first (Ctrl-C).
   */
  answer(ask: () => void, signal: AbortSignal): Promise<string>;
}

/** A prompter reading lines from `input` (the process's stdin, a terminal); undefined when it is not a terminal. */
export function terminalPrompter(input: Readable & { isTTY?: boolean } = process.stdin): Prompter | undefined {
  if (!input.isTTY) return undefined;
  let rl: Interface | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const waiting: ((line: string) => void)[] = [];
  const readLine = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      if (signal.aborted) return reject(new AbortedError(reasonText(signal.reason)));
      // Opened on first use and closed when nobody waits, so stdin never keeps bake alive.
      if (!rl) {
        rl = createInterface({ input, terminal: false });
        rl.on('line', (line) => waiting.shift()?.(line));
      }
      const onLine = (line: string) => {
        signal.removeEventListener('abort', onAbort);
        finish();
        resolve(line.trim());
      };
      const onAbort = () => {
        waiting.splice(waiting.indexOf(onLine), 1);
        finish();
        reject(new AbortedError(reasonText(signal.reason)));
      };
      const finish = () => {
        if (waiting.length === 0) {
          rl?.close();
          rl = undefined;
        }
      };
      waiting.push(onLine);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  return {
    answer(ask, signal) {
      const next = queue.then(() => {
        if (!signal.aborted) ask();
        return readLine(signal);
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
