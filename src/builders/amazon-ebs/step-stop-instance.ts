import type { Step } from '../../core/steps.js';
import { send, waitInstanceState } from '../../cloud/aws/index.js';
import type { ResolvedEbs } from './resolved.js';
import { waitCtx, type Init, type InstanceState } from './state.js';

/** Stops the instance (unless disable_stop_instance) and sets ena_support / sriov_support on it. */
export function stopInstanceStep(cfg: ResolvedEbs): Step<Init & InstanceState, object> {
  return {
    name: 'stop-instance',
    async run(ctx, { clients, instanceId }) {
      if (cfg.ami.skipCreate) return {};
      const ec2 = await import('@aws-sdk/client-ec2');
      const client = await clients.get();
      const wait = waitCtx(ctx, cfg, 'instance');
      if (cfg.spot) {
        // A one-time spot instance cannot be stopped; CreateImage reboots it for a consistent image.
        if (cfg.ami.enaSupport !== undefined || cfg.ami.sriovSupport) ctx.log.warn('ena_support/sriov_support are not set on a spot instance, which cannot be stopped; the source AMI\'s settings are kept');
        return {};
      }
      if (cfg.disableStop) {
        ctx.log.say('Waiting for the provisioners to stop the instance (disable_stop_instance)…');
      } else {
        ctx.log.say(`Stopping instance ${instanceId}`);
        await send(client, new ec2.StopInstancesCommand({ InstanceIds: [instanceId] }), { what: `amazon-ebs: stop instance ${instanceId}`, signal: ctx.signal, retryNotFound: true });
      }
      await waitInstanceState(client, instanceId, ['stopped'], wait);
      if (cfg.ami.enaSupport !== undefined) {
        await send(client, new ec2.ModifyInstanceAttributeCommand({ InstanceId: instanceId, EnaSupport: { Value: cfg.ami.enaSupport } }), {
          what: `amazon-ebs: set ena_support on ${instanceId}`,
          signal: ctx.signal,
        });
      }
      if (cfg.ami.sriovSupport) {
        await send(client, new ec2.ModifyInstanceAttributeCommand({ InstanceId: instanceId, SriovNetSupport: { Value: 'simple' } }), {
          what: `amazon-ebs: set sriov_support on ${instanceId}`,
          signal: ctx.signal,
        });
      }
      return {};
    },
  };
}
