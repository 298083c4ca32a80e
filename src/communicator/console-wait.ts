import { errorText, isAbort } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { formatDuration, waitUntil } from '../core/wait.js';
import { parseConsoleHostKeys } from './console-keys.js';
import { fingerprint } from './host-key.js';
import type { ConsoleSource } from './host-key-verifier.js';

/** Consoles are read through rate-limited cloud APIs: soon after boot, then every few seconds. */
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5000;

export interface ConsoleKeys {
  /** fingerprint → where it was read; empty when the console never showed keys. */
  keys: Map<string, string>;
  /** Why there are none, for the fallback's warning. */
  why: string;
}

/**
 * Reads the console until cloud-init's host key block shows up, cloud-init says it finished
 * without one, or the timeout passes. Problems (a partial block, garbled or unknown keys) are
 * warned about once each; a console that cannot be read at all ends the wait at once.
 */
export async function readConsoleKeys(source: ConsoleSource, timeoutMs: number, log: Logger, signal: AbortSignal): Promise<ConsoleKeys> {
  const warned = new Set<string>();
  const warn = (p: string) => {
    if (warned.has(p)) return;
    warned.add(p);
    log.warn(`ssh: ${source.what}: ${p}`);
  };
  let problems: string[] = [];
  log.say(`Waiting for the SSH host keys on ${source.what}…`);
  const check = async (): Promise<ConsoleKeys | undefined> => {
    let output: string | undefined;
    try {
      output = await source.read(signal);
    } catch (err) {
      if (isAbort(err)) throw err;
      return { keys: new Map(), why: `cannot read ${source.what}: ${errorText(err)}` };
    }
    const found = output === undefined ? undefined : parseConsoleHostKeys(output);
    problems = found?.problems ?? [];
    const keys = new Map<string, string>();
    for (const key of found?.keys ?? []) keys.set(fingerprint(key.blob), source.what);
    for (const fp of found?.fingerprints ?? []) keys.set(fp, source.what);
    if (keys.size > 0) {
      problems.forEach(warn);
      log.info(`${source.what} lists ${keys.size} host key${keys.size === 1 ? '' : 's'} or fingerprint${keys.size === 1 ? '' : 's'}`);
      return { keys, why: '' };
    }
    if (found?.finished) return { keys, why: `${source.what} shows cloud-init finished without printing SSH host keys${detail(problems)}` };
    const partial = problems.some((p) => p.includes('partial'));
    if (source.emulator && found && !partial) return { keys, why: `${source.what} shows no SSH host keys (${source.emulator}, whose console is canned, so bake does not wait)${detail(problems)}` };
    // A partial block is normal while the output is still arriving; only the timeout's message names it.
    problems.filter((p) => !p.includes('partial')).forEach(warn);
    return undefined;
  };
  try {
    return await waitUntil(check, { what: `the SSH host keys on ${source.what}`, minDelayMs: FIRST_POLL_MS, maxDelayMs: MAX_POLL_MS, maxWaitMs: timeoutMs, signal });
  } catch (err) {
    if (isAbort(err) || signal.aborted) throw err;
    return { keys: new Map(), why: `${source.what} showed no SSH host keys within ${formatDuration(timeoutMs)} (ssh_host_key_timeout)${detail(problems)}` };
  }
}

function detail(problems: string[]): string {
  return problems.length ? ` (${problems.join('; ')})` : '';
}
