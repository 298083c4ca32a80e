import type { Image } from '@aws-sdk/client-ec2';
import { BakeError, errorText } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { accessDetails, awsRemoveCommand, clientToken, deleteVolume, send, tagSpecifications, waitVolume } from '../../cloud/aws/index.js';
import { type Init, resourceTags, type SourceState, waitCtx } from '../amazon-ebs/index.js';
import type { ResolvedAmazonChroot } from './resolved.js';
import type { HostState, VolumeState } from './state.js';

/** The source AMI's root device and the snapshot behind it; amazon-chroot needs an EBS-backed AMI. */
function rootSnapshot(cfg: ResolvedAmazonChroot, image: Image): { snapshotId: string; sizeGiB?: number; deviceName: string } {
  const deviceName = image.RootDeviceName ?? '';
  const mapping = (image.BlockDeviceMappings ?? []).find((m) => m.DeviceName === deviceName) ?? (image.BlockDeviceMappings ?? [])[0];
  if (image.RootDeviceType && image.RootDeviceType !== 'ebs') throw new BakeError(`${cfg.where}: source AMI ${image.ImageId} is ${image.RootDeviceType}-backed; amazon-chroot needs an EBS-backed AMI`);
  if (!mapping?.Ebs?.SnapshotId) throw new BakeError(`${cfg.where}: source AMI ${image.ImageId} has no EBS snapshot for its root device ${deviceName || '(none named)'}`);
  return { snapshotId: mapping.Ebs.SnapshotId, sizeGiB: mapping.Ebs.VolumeSize, deviceName: deviceName || mapping.DeviceName! };
}

/**
 * Creates the working volume in the build host's availability zone, from the source AMI's root
 * snapshot (or empty, from_scratch), and waits until it is available. Its cleanup detaches and
 * deletes it, whatever happened: the AMI keeps only the snapshot.
 */
export function createVolumeStep(cfg: ResolvedAmazonChroot): Step<Init & HostState & SourceState, VolumeState> {
  let volumeId: string | undefined;
  return {
    name: 'create-volume',
    async run(ctx, state) {
      const { CreateVolumeCommand } = await import('@aws-sdk/client-ec2');
      const client = await state.clients.get();
      const root = cfg.fromScratch ? undefined : rootSnapshot(cfg, state.source.image);
      const size = cfg.volume.sizeGiB ?? root?.sizeGiB;
      if (root?.sizeGiB && cfg.volume.sizeGiB && cfg.volume.sizeGiB < root.sizeGiB) {
        throw new BakeError(`${cfg.where}.root_volume_size: ${cfg.volume.sizeGiB} GiB is smaller than the source AMI's root snapshot (${root.sizeGiB} GiB)`);
      }
      const az = state.host.availabilityZone;
      ctx.log.say(`Creating the working volume in ${az}${root ? ` from snapshot ${root.snapshotId}` : ' (empty, from_scratch)'}${size ? `, ${size} GiB` : ''}`);
      const out = await send<{ VolumeId?: string }>(
        client,
        new CreateVolumeCommand({
          AvailabilityZone: az,
          SnapshotId: root?.snapshotId,
          Size: size,
          VolumeType: cfg.volume.type as never,
          Encrypted: cfg.volume.encrypted,
          KmsKeyId: cfg.volume.kmsKeyId,
          TagSpecifications: tagSpecifications(['volume'], resourceTags(ctx, cfg, cfg.volume.tags)),
          // Kept across every retry: a create whose answer was lost is answered again, not made twice.
          ClientToken: clientToken(ctx.buildId, 'volume'),
        }),
        { what: `amazon-chroot: create volume in ${az}`, signal: ctx.signal, creates: true },
      );
      volumeId = out.VolumeId!;
      ctx.journal.created({ type: 'aws:volume', id: volumeId, region: cfg.region, details: accessDetails(cfg.access) });
      ctx.log.info(`Volume: ${volumeId}`);
      await waitVolume(client, volumeId, 'available', (v) => v.State === 'available', waitCtx(ctx, cfg, 'instance'));
      const rootDeviceName = cfg.register.rootDeviceName ?? root!.deviceName;
      return { volumeId, rootDeviceName, diskGrown: !!(root?.sizeGiB && size && size > root.sizeGiB) };
    },
    async cleanup(ctx, { clients }) {
      if (!volumeId) return;
      const id = volumeId;
      ctx.log.say(`Deleting the working volume ${id}`);
      try {
        await deleteVolume(await clients.get(), id, waitCtx(ctx, cfg, 'instance', ctx.cleanupSignal()));
      } catch (err) {
        throw new Error(`volume ${id} left behind (${errorText(err)}); \`bake cleanup\` tries again, or remove it with: ${awsRemoveCommand('aws:volume', id, cfg.region)}`);
      }
      ctx.journal.removed({ type: 'aws:volume', id, region: cfg.region });
      volumeId = undefined;
    },
  };
}
