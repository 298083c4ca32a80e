import { Journal, defaultJournalPath } from '../core/journal.js';
import type { EventBus } from '../core/events.js';
import type { AccessInput } from './access-schema.js';
import { resolveAccess } from './access-schema.js';
import { RolloutClients } from './clients.js';
import type { SwapContext } from './swap-group.js';

/** What a rollout command needs around the shared logic: clients, a logger, the journal. */
export function commandContext(bus: EventBus, name: string, region: string, access: AccessInput, signal: AbortSignal): SwapContext {
  const id = `bake-${name}-${Date.now().toString(36)}`;
  return {
    clients: new RolloutClients(resolveAccess(access, region), signal),
    log: bus.logger(name),
    journal: new Journal(defaultJournalPath(), id, name),
    // Undo work is not stopped by Ctrl-C, only bounded in time.
    cleanupSignal: (ms = 600_000) => AbortSignal.timeout(ms),
  };
}
