import type { Transport } from '../../cloud/openstack/index.js';
import type { Artifact } from '../../core/artifact.js';
import type { BuildContext } from '../../core/context.js';
import { Pipeline } from '../../core/steps.js';
import type { Builder, UnchangedVerdict } from '../../plugins/types.js';
import { openstackArtifact } from './artifact.js';
import type { ResolvedOpenstack } from './resolved.js';
import { checkUnchanged, skippedArtifact } from './skip-unchanged.js';
import type { AuthState, ImageState, InitState } from './state.js';
import { stepAddress } from './step-address.js';
import { stepAuthenticate } from './step-authenticate.js';
import { stepCreateImage } from './step-create-image.js';
import { stepFlavor } from './step-flavor.js';
import { stepImageSettings } from './step-image-settings.js';
import { stepKeyPair } from './step-key-pair.js';
import { stepNetworks } from './step-networks.js';
import { stepProvision } from './step-provision.js';
import { stepServer } from './step-server.js';
import { stepSourceImage } from './step-source-image.js';
import { stepStop } from './step-stop.js';
import { stepVolume } from './step-volume.js';

type SourceFound = InitState & AuthState & { sourceImageId: string };

/** Everything is looked up (image, flavor, networks) before anything is created. */
export function openstackPipeline(config: ResolvedOpenstack, transport?: Transport) {
  return afterSource(config, sourcePipeline(config, transport));
}

function sourcePipeline(config: ResolvedOpenstack, transport?: Transport) {
  return Pipeline.start<InitState>().then(stepAuthenticate(config, transport)).then(stepSourceImage(config));
}

/** Everything after finding the source image, so --skip-unchanged can stop in between. */
function afterSource<I extends object>(config: ResolvedOpenstack, start: Pipeline<I, SourceFound>) {
  return start
    .then(stepFlavor(config))
    .then(stepNetworks(config))
    .then(stepKeyPair(config))
    .then(stepVolume(config))
    .then(stepServer(config))
    .then(stepAddress(config))
    .then(stepProvision(config))
    .then(stepStop(config))
    .then(stepCreateImage(config))
    .then(stepImageSettings(config));
}

export class OpenstackBuilder implements Builder {
  readonly skipsUnchanged = true;

  constructor(
    readonly config: ResolvedOpenstack,
    private readonly transport?: Transport,
  ) {}

  async unchanged(ctx: BuildContext): Promise<UnchangedVerdict> {
    if (!ctx.skipUnchanged) return { skip: false, why: 'the template has errors, so there is no fingerprint' };
    const found = await sourcePipeline(this.config, this.transport).run(ctx, {});
    const check = await checkUnchanged(this.config, ctx, found, ctx.skipUnchanged);
    if (check.existing) return { skip: true, why: `fingerprint ${check.fingerprint} already built: image ${check.existing.id}` };
    return { skip: false, why: `fingerprint ${check.fingerprint}: ${this.config.image.skip ? 'skip_create_image is set, so there is no image to reuse' : 'no image has it yet'}` };
  }

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    const skip = ctx.skipUnchanged;
    if (!skip) return openstackPipeline(this.config, this.transport).runTo(ctx, {}, (state) => this.artifact(ctx, state));
    const found = await sourcePipeline(this.config, this.transport).run(ctx, {});
    const check = await checkUnchanged(this.config, ctx, found, skip);
    if (check.existing) return skippedArtifact(this.config, ctx, found, check);
    const why = this.config.image.skip ? 'skip_create_image is set, so there is no image to reuse' : 'no image has it yet';
    ctx.log.say(`Fingerprint ${check.fingerprint}: ${why}; building`);
    return afterSource(this.config, Pipeline.start<SourceFound>()).runTo(ctx, { ...found, imageProperties: check.properties }, (state) => {
      const artifact = this.artifact(ctx, state);
      if (artifact) artifact.metadata.fingerprint = check.fingerprint;
      return artifact;
    });
  }

  private artifact(ctx: BuildContext, state: SourceFound & ImageState): Artifact | undefined {
    if (!state.image) return undefined;
    return openstackArtifact(this.config, ctx.buildName, state.session, state.image.id, state.sourceImageId, state.region);
  }
}
