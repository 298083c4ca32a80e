import type { Image } from '@aws-sdk/client-ec2';
import type { Step } from '../../core/steps.js';
import { accessDetails, awsCode, findOwnImage, send, tagSpecifications, waitImageAvailable } from '../../cloud/aws/index.js';
import { type ImageState, type Init, type NameState, OwnedImages, resourceTags, type SourceState, tagSnapshots, toMappings, waitCtx } from '../amazon-ebs/index.js';
import type { ResolvedAmazonChroot } from './resolved.js';
import type { SnapshotState, VolumeState } from './state.js';

/** RegisterImage's input: the snapshot as root device, the source AMI's properties unless the template names them. */
export function registerInput(cfg: ResolvedAmazonChroot, s: SourceState & NameState & VolumeState & SnapshotState, sizeGiB?: number) {
  const src: Image = s.source.image;
  const r = cfg.register;
  const extra = (toMappings(cfg.amiMappings) ?? []).filter((m) => m.DeviceName !== s.rootDeviceName);
  return {
    Name: s.amiName,
    Description: s.amiDescription,
    Architecture: (r.architecture ?? src.Architecture ?? 'x86_64') as never,
    RootDeviceName: s.rootDeviceName,
    VirtualizationType: r.virtualizationType,
    BlockDeviceMappings: [{ DeviceName: s.rootDeviceName, Ebs: { SnapshotId: s.snapshotId, VolumeSize: sizeGiB, VolumeType: cfg.volume.type as never, DeleteOnTermination: true } }, ...extra],
    EnaSupport: cfg.ami.enaSupport ?? src.EnaSupport,
    SriovNetSupport: cfg.ami.sriovSupport ? 'simple' : src.SriovNetSupport,
    BootMode: (r.bootMode ?? src.BootMode) as never,
    TpmSupport: r.tpmSupport as never,
    UefiData: r.uefiData,
    ImdsSupport: (r.imdsSupport ?? src.ImdsSupport) as never,
  };
}

/** Registers the AMI on the snapshot and waits until it is available. Until the build succeeds the AMI is the build's: a failure deregisters it. */
export function registerImageStep(cfg: ResolvedAmazonChroot): Step<Init & SourceState & NameState & VolumeState & SnapshotState, ImageState> {
  const owned = new OwnedImages(accessDetails(cfg.access));
  let attempted: string | undefined;
  return {
    name: 'register-image',
    async run(ctx, state) {
      const { RegisterImageCommand } = await import('@aws-sdk/client-ec2');
      const client = await state.clients.get();
      const input = { ...registerInput(cfg, state, cfg.volume.sizeGiB), TagSpecifications: tagSpecifications(['image'], resourceTags(ctx, cfg)) };
      ctx.log.say(`Registering AMI ${state.amiName} from snapshot ${state.snapshotId}`);
      attempted = state.amiName;
      let id: string;
      try {
        id = (await send<{ ImageId?: string }>(client, new RegisterImageCommand(input), { what: `amazon-chroot: register AMI ${state.amiName}`, signal: ctx.signal, creates: true })).ImageId!;
      } catch (err) {
        // RegisterImage has no idempotency token: a retry after a lost answer meets the AMI the first try made.
        const found = awsCode((err as { cause?: unknown }).cause) === 'InvalidAMIName.Duplicate' ? await findOwnImage(client, state.amiName, ctx.buildId, ctx.signal) : undefined;
        if (!found) throw err;
        ctx.log.info(`AMI ${state.amiName} (${found}) was registered by an earlier try whose answer was lost; using it`);
        id = found;
      }
      attempted = undefined;
      owned.add(ctx, cfg.region, id);
      ctx.log.info(`AMI: ${id}`);
      const image = await waitImageAvailable(client, id, cfg.region, waitCtx(ctx, cfg, 'image'));
      return { images: { [cfg.region]: id }, snapshots: { [cfg.region]: await tagSnapshots(client, ctx, cfg, image, cfg.region) } };
    },
    async cleanup(ctx, { clients, outcome }) {
      if (attempted && !outcome.succeeded) {
        const found = await findOwnImage(await clients.get(), attempted, ctx.buildId, ctx.cleanupSignal()).catch(() => undefined);
        if (found) owned.add(ctx, cfg.region, found);
      }
      attempted = undefined;
      if (outcome.succeeded) owned.release();
      await owned.cleanup(ctx, clients, outcome.succeeded);
    },
  };
}
