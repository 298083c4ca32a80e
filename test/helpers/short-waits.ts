import { vi } from 'vitest';

type Wait = typeof import('../../src/core/wait.js');

/**
 * src/core/wait.js with every backoff cut to a few milliseconds, for the fault sweeps: hundreds of
 * whole runs must finish in seconds, and the retries they exercise are the same code. Use as
 * `vi.mock('<path to>/src/core/wait.js', () => shortWaits())` (import shortWaits with vi.hoisted).
 */
export async function shortWaits(limits: { maxWaitMs?: number } = {}): Promise<Wait> {
  const real = await vi.importActual<Wait>('../../src/core/wait.js');
  // A wait outlasts a lasting outage until its timeout: `maxWaitMs` cuts that to the sweep's scale.
  const cap = (ms: number | undefined) => (limits.maxWaitMs && ms ? Math.min(ms, limits.maxWaitMs) : ms);
  return {
    ...real,
    sleep: (ms, signal) => real.sleep(Math.min(ms, 2), signal),
    waitUntil: (check, options) => real.waitUntil(check, { ...options, minDelayMs: 1, maxDelayMs: 2, maxWaitMs: cap(options.maxWaitMs) }),
  };
}

/**
 * Only waitUntil's pauses between polls cut to a few milliseconds; timeouts and every other sleep
 * (SSH connect and exec retries) stay real. For builder tests against a fake cloud whose resources
 * change state at each poll: the waits still poll until the state changes, or time out as they would.
 */
export async function shortPolls(): Promise<Wait> {
  const real = await vi.importActual<Wait>('../../src/core/wait.js');
  return { ...real, waitUntil: (check, options) => real.waitUntil(check, { ...options, minDelayMs: 1, maxDelayMs: 2 }) };
}
