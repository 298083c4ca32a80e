import type { ProvisionContext } from '../../core/context.js';
import { BakeError, errorText, isAbort } from '../../core/errors.js';
import { formatDuration, sleep } from '../../core/wait.js';

/**
 * Retries `fn` while it throws (the machine may be rebooting, sshd restarting) until
 * `timeoutMs` has passed, as Packer's start_retry_timeout does. A command that ran and exited is a
 * result, not an error, and is never retried here.
 */
export async function withStartRetry<T>(
  ctx: ProvisionContext,
  timeoutMs: number,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  const start = Date.now();
  let delay = 500;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (isAbort(err) || ctx.signal.aborted) throw err;
      if (Date.now() - start + delay > timeoutMs) {
        throw new BakeError(`${what}: ${errorText(err)} (gave up after start_retry_timeout ${formatDuration(timeoutMs)})`, { cause: err });
      }
      ctx.log.warn(`${what}: ${errorText(err)}; retrying`);
      await sleep(delay, ctx.signal);
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
