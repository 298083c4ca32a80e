import { isAmbiguous, nova } from '../../cloud/openstack/index.js';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { waitUntil } from '../../core/wait.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState, ServerState } from './state.js';

/** Stops the server so the image is taken from a quiet disk. */
export function stepStop(config: ResolvedOpenstack): Step<AuthState & ServerState, object> {
  return {
    name: 'stop server',
    run: async (ctx, { session, serverId }) => {
      if (config.image.skip) return {};
      ctx.log.say('Stopping server...');
      try {
        await nova.stopServer(session, serverId, ctx.signal);
      } catch (err) {
        // A stop whose answer was lost, or that never arrived: the server says which.
        const s = isAmbiguous(err) ? await nova.getServer(session, serverId, ctx.signal) : undefined;
        if (!s) throw err;
        if (s.status === 'ACTIVE' && !s['OS-EXT-STS:task_state']) await nova.stopServer(session, serverId, ctx.signal);
      }
      await waitUntil(
        async () => {
          const s = await nova.getServer(session, serverId, ctx.signal);
          if (!s) throw new BakeError(`openstack: server ${serverId} disappeared while stopping`);
          if (s.status === 'ERROR') throw new BakeError(`openstack: server ${serverId} went into ERROR while stopping: ${s.fault?.message ?? 'no fault message'}`);
          return s.status === 'SHUTOFF' ? true : undefined;
        },
        { what: `server ${serverId} to stop`, maxWaitMs: config.timeouts.serverMs, signal: ctx.signal, minDelayMs: 200 },
      );
      return {};
    },
  };
}
