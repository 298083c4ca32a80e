import { AbortedError } from '../core/errors.js';
import type { EventBus } from '../core/events.js';

/**
 * Ctrl-C and SIGTERM abort the run through one signal; every build's cleanup still runs. Further
 * signals only say that cleanup is in progress: leaving now would orphan cloud resources.
 */
export function abortOnSignals(bus: EventBus): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      bus.emit({ build: '', level: 'error', text: `${sig === 'SIGINT' ? 'Interrupted' : 'Terminated'}: cancelling builds and cleaning up...` });
      controller.abort(new AbortedError(sig === 'SIGINT' ? 'interrupted' : 'terminated'));
    } else {
      bus.emit({ build: '', level: 'warn', text: 'Cleanup is in progress; stopping now would leave resources behind. Waiting for it to finish.' });
    }
  };
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
