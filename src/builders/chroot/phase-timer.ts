import type { Logger } from '../../core/events.js';

/** Logs how long a phase of the build took, in the one form the benchmark reads: "phase NAME: 1.23s". */
export async function timed<T>(log: Logger, name: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  log.info(`phase ${name}: ${((performance.now() - started) / 1000).toFixed(2)}s`);
  return result;
}
