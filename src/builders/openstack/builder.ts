import type { Transport } from '../../cloud/openstack/index.js';
import type { Artifact } from '../../core/artifact.js';
import type { BuildContext } from '../../core/context.js';
import { Pipeline } from '../../core/steps.js';
import type { Builder } from '../../plugins/types.js';
import { openstackArtifact } from './artifact.js';
import type { ResolvedOpenstack } from './resolved.js';
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

/** Everything is looked up (image, flavor, networks) before anything is created. */
export function openstackPipeline(config: ResolvedOpenstack, transport?: Transport) {
  return Pipeline.start()
    .then(stepAuthenticate(config, transport))
    .then(stepSourceImage(config))
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
  constructor(
    readonly config: ResolvedOpenstack,
    private readonly transport?: Transport,
  ) {}

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    const state = await openstackPipeline(this.config, this.transport).run(ctx, {});
    if (!state.image) return undefined;
    return openstackArtifact(this.config, ctx.buildName, state.session, state.image.id, state.sourceImageId, state.region);
  }
}
