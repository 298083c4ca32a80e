import type { Artifact } from '../../core/artifact.js';
import type { BuildContext } from '../../core/context.js';
import { Pipeline } from '../../core/steps.js';
import { Ec2Clients } from '../../cloud/aws/index.js';
import type { Builder, UnchangedVerdict } from '../../plugins/types.js';
import { amiArtifactId, amiLines } from './artifact-id.js';
import { planAmazonEbs } from './plan.js';
import type { ResolvedEbs } from './resolved.js';
import { checkUnchanged, skippedArtifact } from './skip-unchanged.js';
import type { ImageState, Init, SourceState } from './state.js';
import { checkAmiNameStep } from './step-check-ami-name.js';
import { provisionStep } from './step-provision.js';
import { copyImagesStep } from './step-copy-images.js';
import { createImageStep } from './step-create-image.js';
import { keyPairStep } from './step-key-pair.js';
import { networkStep } from './step-network.js';
import { runInstanceStep } from './step-run-instance.js';
import { securityGroupStep } from './step-security-group.js';
import { shareImageStep } from './step-share-image.js';
import { sourceAmiStep } from './step-source-ami.js';
import { stopInstanceStep } from './step-stop-instance.js';
import { tagImagesStep } from './step-tag-images.js';
import { waitRunningStep } from './step-wait-running.js';

/** The steps of one amazon-ebs build, in order; each undoes what it made. */
export function amazonEbsPipeline(cfg: ResolvedEbs) {
  return afterSource(cfg, Pipeline.start<Init>().then(sourceAmiStep(cfg)));
}

/** Everything after finding the source AMI, so --skip-unchanged can stop in between. */
function afterSource<I extends object>(cfg: ResolvedEbs, start: Pipeline<I, Init & SourceState>) {
  return start
    .then(checkAmiNameStep(cfg))
    .then(networkStep(cfg))
    .then(keyPairStep(cfg))
    .then(securityGroupStep(cfg))
    .then(runInstanceStep(cfg))
    .then(waitRunningStep(cfg))
    .then(provisionStep(cfg))
    .then(stopInstanceStep(cfg))
    .then(createImageStep(cfg))
    .then(copyImagesStep(cfg))
    .then(shareImageStep(cfg))
    .then(tagImagesStep(cfg));
}

export class AmazonEbsBuilder implements Builder {
  readonly skipsUnchanged = true;

  constructor(readonly cfg: ResolvedEbs) {}

  plan(ctx: BuildContext): Promise<string[]> {
    return planAmazonEbs(this.cfg, ctx);
  }

  async unchanged(ctx: BuildContext): Promise<UnchangedVerdict> {
    if (!ctx.skipUnchanged) return { skip: false, why: 'the template has errors, so there is no fingerprint' };
    const clients = new Ec2Clients(this.cfg.access);
    try {
      const found = await Pipeline.start<Init>().then(sourceAmiStep(this.cfg)).run(ctx, { clients, outcome: { succeeded: false } });
      const check = await checkUnchanged(this.cfg, ctx, clients, found.source, ctx.skipUnchanged);
      if (!check.existing) return { skip: false, why: `fingerprint ${check.fingerprint}: ${check.why}` };
      const images = Object.entries(check.existing.images).map(([r, id]) => `${r}:${id}`).join(', ');
      return { skip: true, why: `fingerprint ${check.fingerprint} already built: ${images}` };
    } finally {
      await clients.destroy();
    }
  }

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    const clients = new Ec2Clients(this.cfg.access);
    const init: Init = { clients, outcome: { succeeded: false } };
    try {
      const skip = ctx.skipUnchanged;
      if (!skip) return await amazonEbsPipeline(this.cfg).runTo(ctx, init, (state) => this.artifact(ctx, state));
      const found = await Pipeline.start<Init>().then(sourceAmiStep(this.cfg)).run(ctx, init);
      const check = await checkUnchanged(this.cfg, ctx, clients, found.source, skip);
      if (check.existing) return skippedArtifact(this.cfg, ctx, found.source, check);
      ctx.log.say(`Fingerprint ${check.fingerprint}: ${check.why}; building`);
      return await afterSource(this.cfg, Pipeline.start<Init & SourceState>()).runTo(ctx, { ...found, imageTags: check.tags }, (state) => {
        const artifact = this.artifact(ctx, state);
        if (artifact) artifact.metadata.fingerprint = check.fingerprint;
        return artifact;
      });
    } finally {
      await clients.destroy();
    }
  }

  private artifact(ctx: BuildContext, state: SourceState & ImageState & { amiName: string }): Artifact | undefined {
    const images = state.images;
    if (Object.keys(images).length === 0) return undefined;
    const id = amiArtifactId(images);
    return {
      builderType: 'amazon-ebs',
      buildName: ctx.buildName,
      id,
      files: [],
      images,
      metadata: { source_ami: state.source.id, source_ami_name: state.source.name, ami_name: state.amiName, region: this.cfg.region },
      description: `AMIs were created:\n${amiLines(images)}`,
    };
  }
}
