import type { Step } from '../../core/steps.js';
import { waitInstanceState } from '../../cloud/aws/index.js';
import type { ResolvedEbs } from './resolved.js';
import { waitCtx, type Init, type InstanceState, type RunningState } from './state.js';

/** Waits until the instance runs; a not-found right after launch is EC2 catching up, not an error. */
export function waitRunningStep(cfg: ResolvedEbs): Step<Init & InstanceState, RunningState> {
  return {
    name: 'wait-running',
    async run(ctx, { clients, instanceId }) {
      ctx.log.say(`Waiting for instance ${instanceId} to become ready…`);
      const instance = await waitInstanceState(await clients.get(), instanceId, ['running'], waitCtx(ctx, cfg, 'instance'));
      return { instance };
    },
  };
}
