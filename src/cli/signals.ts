import { AbortedError } from '../core/errors.js';
import type { EventBus } from '../core/events.js';

export interface SignalOptions {
  /** What the run still holds and its cleanup is removing, one item each ("aws:instance i-1 in us-east-1"). */
  remaining?: () => string[];
  /** What removes or undoes what a stopped run left; default `bake cleanup`. */
  undo?: string;
  /** What the first signal starts, in the command's own words; default: cancelling the builds. */
  stopping?: string;
  /** Runs just before the third signal ends the process: closes what the run writes (its run record). */
  beforeExit?: () => void;
  /** Ends the process on the third signal (tests replace it). */
  exit?: (code: number) => void;
}

/**
 * Ctrl-C and SIGTERM abort the run through one signal; every build's cleanup still runs.
 * A second signal does not cut cleanup short: it says what is still being removed and that a third
 * signal stops at once. The third ends the process with 130 (SIGINT) or 143 (SIGTERM), as a shell
 * reports a process killed by that signal, leaving the rest in the journal for `bake cleanup`.
 */
export function abortOnSignals(bus: EventBus, options: SignalOptions = {}): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = signalHandler(bus, controller, options);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** What a rollout or rollback stopped half-way leaves: versions in the journal, a group on the new version. */
export const ROLLOUT_UNDO = '`bake cleanup` (and `bake rollback` for a group left on the new version)';

/** What each signal in turn does: abort, say what is left, stop. */
export function signalHandler(bus: EventBus, controller: AbortController, options: SignalOptions): (sig: NodeJS.Signals) => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const undo = options.undo ?? '`bake cleanup`';
  const stopping = options.stopping ?? 'cancelling builds and cleaning up...';
  let count = 0;
  return (sig) => {
    count++;
    const key = sig === 'SIGINT' ? 'Ctrl-C' : sig;
    if (count === 1) {
      bus.emit({ build: '', level: 'error', text: `${sig === 'SIGINT' ? 'Interrupted' : 'Terminated'}: ${stopping}` });
      controller.abort(new AbortedError(sig === 'SIGINT' ? 'interrupted' : 'terminated'));
    } else if (count === 2) {
      const left = options.remaining?.();
      const what = !left ? '' : left.length ? ` (still removing ${left.join(', ')})` : ' (nothing it created is left in the journal)';
      bus.emit({ build: '', level: 'warn', text: `Cleanup is in progress${what}. Stopping now would leave resources behind; ${key} once more stops anyway, and ${undo} removes what is left.` });
    } else {
      const left = options.remaining?.();
      const what = !left
        ? `what was under way may be left; run ${undo}`
        : left.length
          ? `left behind: ${left.join(', ')} (listed in the journal; run ${undo} to remove them)`
          : 'nothing it created is left in the journal';
      bus.emit({ build: '', level: 'error', text: `Stopped before cleanup finished: ${what}` });
      try {
        options.beforeExit?.();
      } catch {
        // Stopping at once matters more than a record that cannot be closed.
      }
      exit(sig === 'SIGINT' ? 130 : 143);
    }
  };
}
