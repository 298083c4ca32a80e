import { currentActivity } from './activity.js';
import { AbortedError, BakeError, errorText, isAbort, reasonText } from './errors.js';
import { span, type OpenSpan } from './spans.js';

export interface WaitOptions {
  /** What is awaited, for messages: "instance i-123 to be running". */
  what: string;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** 0 or undefined: wait until aborted. */
  maxWaitMs?: number;
  signal?: AbortSignal;
  /** Called after every check with the elapsed milliseconds. */
  onPoll?: (elapsedMs: number, attempt: number) => void;
  /**
   * Errors of `check` that count as "not yet" (a cloud API throttling or down for a while): they
   * are waited out, but only until maxWaitMs, and the timeout names the last one. A wait without
   * maxWaitMs tolerates none, so a lasting failure never keeps it polling forever.
   */
  tolerate?: (err: unknown) => boolean;
}

/** Resolves after `ms`, or rejects with AbortedError when the signal fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError(reasonText(signal.reason)));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError(reasonText(signal?.reason)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls `check` until it returns something other than undefined, with a short first delay that
 * doubles up to maxDelay. Throws BakeError on timeout and AbortedError on abort; errors thrown by
 * `check` propagate (a check decides itself which errors are worth retrying).
 */
export function waitUntil<T>(check: (attempt: number) => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  // Recorded against the build whose code is waiting, so the report shows where the time went.
  return span(currentActivity()?.log, 'wait', options.what, (open) => poll(check, options, open));
}

async function poll<T>(check: (attempt: number) => Promise<T | undefined>, options: WaitOptions, open: OpenSpan): Promise<T> {
  // BAKE_TEST_POLL_MS (tests only) is the pause between polls, never the timeout: for the tests that
  // run the CLI against the fake clouds, whose resources change state at each poll. Not for real
  // clouds, which rate-limit: bake's own pauses back off as their APIs ask.
  const testPause = Number(process.env.BAKE_TEST_POLL_MS) || 0;
  const minDelay = testPause || (options.minDelayMs ?? 250);
  const maxDelay = testPause || (options.maxDelayMs ?? 5000);
  const start = Date.now();
  let delay = minDelay;
  let failing: unknown;
  const attemptCheck = async (attempt: number): Promise<T | undefined> => {
    try {
      const value = await check(attempt);
      failing = undefined;
      return value;
    } catch (err) {
      if (!options.maxWaitMs || isAbort(err) || !options.tolerate?.(err)) throw err;
      failing = err;
      return undefined;
    }
  };
  const timedOut = () =>
    new BakeError(`timed out after ${formatDuration(options.maxWaitMs!)} waiting for ${options.what}${failing === undefined ? '' : `; the last checks failed: ${errorText(failing)}`}`, { cause: failing });
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new AbortedError(reasonText(options.signal.reason));
    open.polls = attempt;
    const value = await attemptCheck(attempt);
    if (value !== undefined) return value;
    const elapsed = Date.now() - start;
    options.onPoll?.(elapsed, attempt);
    if (options.maxWaitMs && elapsed + delay > options.maxWaitMs) {
      const remaining = options.maxWaitMs - elapsed;
      if (remaining <= 0) throw timedOut();
      await sleep(remaining, options.signal);
      open.polls = attempt + 1;
      const last = await attemptCheck(attempt + 1);
      if (last !== undefined) return last;
      throw timedOut();
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, maxDelay);
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return rest ? `${m}m${rest}s` : `${m}m`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
}

/** Parses Packer durations: "5m", "90s", "1h30m", "500ms", or a bare number of seconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    total += n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed = re.lastIndex;
  }
  return consumed === s.length && s.length > 0 ? total : undefined;
}
