import type { Reservation } from '@aws-sdk/client-ec2';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { accessDetails, awsCode, terminateInstance, send } from '../../cloud/aws/index.js';
import type { ResolvedEbs } from './resolved.js';
import { runInstancesInput, type LaunchState } from './run-instances-input.js';
import { waitCtx, type Init, type InstanceState } from './state.js';
import { removeOrSay } from '../../cloud/aws/remove-hint.js';

/** Errors after which the next of instance_types is worth a try. */
const NO_CAPACITY = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'Unsupported',
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'SpotMaxPriceTooLow',
  'MaxSpotInstanceCountExceeded',
]);

/** Launches the temporary instance, trying instance_types in order; terminates it at the end. */
export function runInstanceStep(cfg: ResolvedEbs): Step<Init & LaunchState, InstanceState> {
  let created: string | undefined;
  return {
    name: 'run-instance',
    async run(ctx, state) {
      const { RunInstancesCommand } = await import('@aws-sdk/client-ec2');
      const client = await state.clients.get();
      const failures: string[] = [];
      const placements = [{ subnetId: state.subnetId, availabilityZone: state.availabilityZone }, ...(state.fallbackPlacements ?? [])];
      const attempts = cfg.instanceTypes.flatMap((type) => placements.map((placement) => ({ type, placement })));
      for (const [i, { type, placement }] of attempts.entries()) {
        const where = placement.subnetId ? ` in ${placement.subnetId}` : '';
        ctx.log.say(`Launching a ${type}${cfg.spot ? ' spot' : ''} instance from ${state.source.id}${where}`);
        try {
          const input = await runInstancesInput(ctx, cfg, { ...state, ...placement }, type, i + 1);
          const out = await send<Reservation>(client, new RunInstancesCommand(input), {
            what: `amazon-ebs: launch ${type} instance`,
            signal: ctx.signal, creates: true,
          });
          const id = out.Instances![0].InstanceId!;
          ctx.journal.created({ type: 'aws:instance', id, region: cfg.region, details: accessDetails(cfg.access) });
          created = id;
          ctx.log.info(`Instance ${id} launched`);
          return { instanceId: id };
        } catch (err) {
          const code = awsCode((err as { cause?: unknown }).cause);
          if (!code || !NO_CAPACITY.has(code)) throw err;
          failures.push(`${type}${where}: ${code}`);
          const last = i === attempts.length - 1;
          const next = last ? '' : attempts[i + 1].type === type ? '; trying the next subnet' : '; trying the next instance type';
          ctx.log.warn(`No ${type} capacity${where} (${code})${next}`);
        }
      }
      throw new BakeError(`amazon-ebs: could not launch an instance in ${cfg.region} (${failures.join('; ')}); add types to instance_types or try another availability_zone`);
    },
    async cleanup(ctx, { clients }) {
      if (!created) return;
      ctx.log.say(`Terminating instance ${created}`);
      const signal = ctx.cleanupSignal(cfg.instancePolling.maxWaitMs);
      const id = created;
      await removeOrSay('aws:instance', id, cfg.region, async () => terminateInstance(await clients.get(), id, waitCtx(ctx, cfg, 'instance', signal)));
      ctx.journal.removed({ type: 'aws:instance', id: created, region: cfg.region });
      created = undefined;
    },
  };
}
