import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './events.js';

/**
 * What the code running for one build reports into without being handed it: waits, cloud clients
 * and HTTP transports sit several layers below the build context and have no logger of their own,
 * yet the run record must say which build waited and which build made each API call.
 */
export interface Activity {
  readonly log: Logger;
  /** Cloud API calls made so far, per "service:Operation". */
  readonly apiCalls: Map<string, number>;
}

const store = new AsyncLocalStorage<Activity>();

/** Runs `fn` with `activity` as the current build's activity (and everything it awaits). */
export function withActivity<T>(activity: Activity, fn: () => Promise<T>): Promise<T> {
  return store.run(activity, fn);
}

export function currentActivity(): Activity | undefined {
  return store.getStore();
}

/** Counts one cloud API call against the current build; calls outside a build are not recorded. */
export function countApiCall(api: string): void {
  const a = store.getStore();
  if (a) a.apiCalls.set(api, (a.apiCalls.get(api) ?? 0) + 1);
}
