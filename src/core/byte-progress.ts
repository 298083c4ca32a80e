import type { Logger } from './events.js';

/** How often a long copy reports its bytes: often enough to see it move, not so often it floods the log. */
const EVERY_MS = 250;

/**
 * Counts the bytes of a long copy or read (compressing, packing a box, hashing) and reports them at most every
 * 250 ms, then once more, marked done, when `finish` is called.
 */
export function byteProgress(log: Logger, text: string, label: string, total: number): { add(n: number): void; finish(): void } {
  let current = 0;
  let last = 0;
  return {
    add(n: number): void {
      current += n;
      if (Date.now() - last < EVERY_MS) return;
      last = Date.now();
      log.progress(text, { label, current, total, unit: 'bytes' });
    },
    finish(): void {
      log.progress(text, { label, current, total, unit: 'bytes', done: true });
    },
  };
}
