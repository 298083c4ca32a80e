import { resolve } from 'node:path';

const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` after every earlier call for the same file has finished, so parallel builds of one
 * run that append to one manifest or checksum file do not lose each other's lines.
 */
export function withPathLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(path);
  const prev = tails.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => undefined);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return next;
}
