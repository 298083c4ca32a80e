import type { Artifact } from '../../core/artifact.js';
import type { PostProcessContext } from '../../core/context.js';
import { BakeError } from '../../core/errors.js';
import type { PostProcessor, PostProcessorResult } from '../../plugins/types.js';
import { resolveAccess } from '../../rollout/access-schema.js';
import { RolloutClients, appendRecord, rollout, smokeTest, type GroupChange } from '../../rollout/index.js';
import type { ResolvedAmazonAsg } from './resolve.js';
import { rolloutCommandLine } from './rollout-command-line.js';

/** The new AMI's package-list digest, from this build's SBOM. */
function packagesDigest(ctx: PostProcessContext): string | undefined {
  const digest = ctx.supplyChain?.packagesSha256;
  if (!digest) ctx.log.warn('skip_if_unchanged_packages: this build has no SBOM ("sbom": false, or the image was reused), so its packages cannot be compared; rolling out as usual');
  return digest;
}

function summary(changes: GroupChange[], dryRun: boolean): string {
  const moved = changes.filter((c) => !c.unchanged).map((c) => `${c.group} (${c.region})`);
  if (dryRun) return `amazon-asg (dry run): would update ${moved.join(', ') || 'no group'}`;
  return `amazon-asg: ${moved.length ? `updated ${moved.join(', ')}` : 'every group already ran the AMI'}`;
}

/**
 * Rolls the amazon-ebs AMI into the groups. The input AMI is always kept: the groups launch it now.
 * The output records each group's previous and new state under metadata.rollout for `bake rollback`.
 */
export class AmazonAsgPostProcessor implements PostProcessor {
  constructor(private readonly config: ResolvedAmazonAsg) {}

  async run(ctx: PostProcessContext, artifact: Artifact): Promise<PostProcessorResult> {
    const c = this.config;
    const images = Object.fromEntries(Object.entries(artifact.images).filter(([region, id]) => id.startsWith('ami-') && (!c.regions || c.regions.includes(region))));
    if (Object.keys(images).length === 0) {
      const got = Object.keys(artifact.images).join(', ') || 'none';
      throw new BakeError(`${c.where}: the ${artifact.builderType} artifact has no AMI${c.regions ? ` in ${c.regions.join(', ')}` : ''} (its regions: ${got})`);
    }
    if (ctx.buildFailure && !c.dryRun) {
      // The build fails, so a CI job that retries it would roll out twice: this image goes out only when someone decides to.
      const command = rolloutCommandLine(c, images);
      ctx.log.warn(`amazon-asg: not rolling out ${Object.values(images).join(', ')}, because the build fails (${ctx.buildFailure}). To roll it out: ${command}`);
      return asgResult(artifact, { rolloutCommand: command }, `amazon-asg: not rolled out (the build failed); to roll it out: ${command}`);
    }
    const firstRegion = Object.keys(images)[0];
    const clients = new RolloutClients(resolveAccess(c.access, firstRegion), ctx.signal);
    const smoke = c.smokeTest;
    if (smoke && c.dryRun) ctx.log.info(`dry run: would smoke-test ${images[firstRegion]} in ${firstRegion} before changing any group`);
    try {
      const changes = await rollout(
        { clients, log: ctx.log, journal: ctx.journal, cleanupSignal: (ms) => ctx.cleanupSignal(ms) },
        {
          images,
          selector: c.selector,
          swap: { ...c.swap, versionDescription: c.versionDescription ?? `bake ${ctx.buildName}: ${Object.values(images).join(', ')}` },
          refresh: c.refresh,
          dryRun: c.dryRun,
          skipIfPackages: c.skipIfUnchangedPackages ? packagesDigest(ctx) : undefined,
          beforeChanges: smoke
            ? () => smokeTest({ clients, log: ctx.log, journal: ctx.journal, buildId: ctx.buildId, buildName: ctx.buildName, signal: ctx.signal, cleanupSignal: (ms) => ctx.cleanupSignal(ms), source: { file: c.env.file, path: `${c.env.path}.smoke_test`, templateDir: c.env.templateDir } }, smoke, firstRegion, images[firstRegion])
            : undefined,
        },
      );
      if (c.recordFile && !c.dryRun) {
        appendRecord(c.recordFile, { build: ctx.buildName, time: new Date().toISOString(), images, rollout: changes });
        ctx.log.info(`Recorded the rollout in ${c.recordFile}`);
      }
      return asgResult(artifact, { rollout: changes, dryRun: c.dryRun }, summary(changes, c.dryRun));
    } finally {
      await clients.destroy();
    }
  }
}

/** The rollout passes the AMIs on unchanged (later post-processors and the manifest still see them) and adds what it did. */
function asgResult(artifact: Artifact, metadata: Record<string, unknown>, description: string): PostProcessorResult {
  return {
    artifact: {
      builderType: 'amazon-asg',
      buildName: artifact.buildName,
      id: artifact.id,
      files: [],
      images: artifact.images,
      metadata: { ...artifact.metadata, ...metadata },
      description,
    },
    forceKeepInput: true,
  };
}
