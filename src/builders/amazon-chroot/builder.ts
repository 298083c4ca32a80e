import type { Artifact } from '../../core/artifact.js';
import type { BuildContext } from '../../core/context.js';
import { BakeError } from '../../core/errors.js';
import { Pipeline, type Step } from '../../core/steps.js';
import { Ec2Clients, hostInstance } from '../../cloud/aws/index.js';
import { render } from '../../template/index.js';
import type { Builder } from '../../plugins/types.js';
import { amiArtifactId, amiLines, checkAmiNameStep, copyImagesStep, type ImageState, type Init, shareImageStep, type SourceState, sourceAmiStep, tagImagesStep } from '../amazon-ebs/index.js';
import { mountStep, provisionStep, releaseStep } from '../chroot/index.js';
import type { ResolvedAmazonChroot } from './resolved.js';
import type { AttachState, HostState, VolumeState } from './state.js';
import { attachVolumeStep, detachVolumeStep } from './step-attach-volume.js';
import { createVolumeStep } from './step-create-volume.js';
import { registerImageStep } from './step-register-image.js';
import { snapshotStep } from './step-snapshot.js';

/** from_scratch: no source AMI; the AMI's properties come from the template alone. */
function scratchSourceStep(): Step<Init, SourceState> {
  return { name: 'source-ami', run: async () => ({ source: { id: '', name: '', tags: {}, image: {} } }) };
}

type Attached = Init & HostState & SourceState & VolumeState & AttachState;

/**
 * What happens on the attached volume: the chroot builder's own steps mount it in a private
 * namespace, provision it in the chroot and unmount it. One step, so the EC2 half of the build
 * (and its fault sweep) does not depend on it; its inner cleanups run before the volume is detached.
 */
export function chrootWork(cfg: ResolvedAmazonChroot): Step<Attached, object> {
  return {
    name: 'chroot',
    async run(ctx, state) {
      if (process.getuid?.() !== 0) throw new BakeError('amazon-chroot: needs root (it mounts the attached EBS volume on this host)');
      // mount_path's {{.Device}} is the device's name, known once the volume is attached.
      const mount = cfg.mountPathTemplate
        ? { ...cfg.mount, mountPath: render(cfg.mountPathTemplate, { data: { Device: state.diskFile.split('/').pop() }, buildName: ctx.buildName, buildType: ctx.buildType, where: `${cfg.where}.mount_path` }) }
        : cfg.mount;
      await Pipeline.start<Attached & { diskGrown: boolean }>().then(mountStep(mount)).then(provisionStep(mount)).then(releaseStep()).run(ctx, state);
      return {};
    },
  };
}

/** The steps of one amazon-chroot build, in order; each undoes what it made. */
export function amazonChrootPipeline(cfg: ResolvedAmazonChroot, work: Step<Attached, object> = chrootWork(cfg)) {
  return Pipeline.start<Init & HostState>()
    .then(cfg.fromScratch ? scratchSourceStep() : sourceAmiStep(cfg))
    .then(checkAmiNameStep(cfg))
    .then(createVolumeStep(cfg))
    .then(attachVolumeStep(cfg))
    .then(work)
    .then(detachVolumeStep(cfg))
    .then(snapshotStep(cfg))
    .then(registerImageStep(cfg))
    .then(copyImagesStep(cfg))
    .then(shareImageStep(cfg))
    .then(tagImagesStep(cfg));
}

export class AmazonChrootBuilder implements Builder {
  /** `work`: what is done on the attached volume; tests of the EC2 half give their own. */
  constructor(
    readonly cfg: ResolvedAmazonChroot,
    private readonly work?: Step<Attached, object>,
  ) {}

  /** The config for this host: the region is the host's own (a volume attaches only in its availability zone). */
  private forHost(region: string): ResolvedAmazonChroot {
    if (this.cfg.regionGiven && this.cfg.region !== region) {
      throw new BakeError(`${this.cfg.where}.region: "${this.cfg.region}", but this build host runs in ${region}; amazon-chroot makes the AMI in the host's region (copy it elsewhere with ami_regions)`);
    }
    return { ...this.cfg, region, access: { ...this.cfg.access, region } };
  }

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    const host = await hostInstance(ctx.signal);
    ctx.log.say(`Build host: ${host.instanceId} in ${host.availabilityZone}`);
    const cfg = this.forHost(host.region);
    const clients = new Ec2Clients(cfg.access);
    try {
      const init = { clients, outcome: { succeeded: false }, host };
      return await amazonChrootPipeline(cfg, this.work).runTo(ctx, init, (state) => this.artifact(ctx, cfg, state));
    } finally {
      await clients.destroy();
    }
  }

  private artifact(ctx: BuildContext, cfg: ResolvedAmazonChroot, state: SourceState & ImageState & { amiName: string; snapshotId: string }): Artifact | undefined {
    const images = state.images;
    if (Object.keys(images).length === 0) return undefined;
    return {
      builderType: 'amazon-chroot',
      buildName: ctx.buildName,
      id: amiArtifactId(images),
      files: [],
      images,
      metadata: { source_ami: state.source.id, source_ami_name: state.source.name, ami_name: state.amiName, region: cfg.region, snapshot: state.snapshotId },
      description: `AMIs were created:\n${amiLines(images)}`,
    };
  }
}
