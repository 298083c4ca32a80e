import { BUILD_TAG } from '../../cloud/aws/index.js';
import type { Artifact } from '../../core/artifact.js';
import type { PostProcessContext } from '../../core/context.js';
import { BakeError } from '../../core/errors.js';
import type { PostProcessor, PostProcessorResult } from '../../plugins/types.js';
import { RolloutClients, prune, resolveAccess } from '../../rollout/index.js';
import type { AmazonAmiRetentionConfig } from './schema.js';

const DAY = 86_400_000;

/**
 * Prunes the image family at the end of a build. The AMIs the build just made are never removed,
 * nor any AMI a launch template version, launch configuration, group or instance still uses.
 */
export class AmazonAmiRetentionPostProcessor implements PostProcessor {
  constructor(
    private readonly config: AmazonAmiRetentionConfig,
    private readonly where: string,
  ) {}

  async run(ctx: PostProcessContext, artifact: Artifact): Promise<PostProcessorResult> {
    const c = this.config;
    const regions = c.regions ?? Object.keys(artifact.images);
    if (regions.length === 0) throw new BakeError(`${this.where}: no region to prune: the ${artifact.builderType} artifact has no AMI and regions is not set`);
    const tags = c.tags ?? (c.name_prefix ? undefined : { [BUILD_TAG]: ctx.buildName });
    const clients = new RolloutClients(resolveAccess(c, regions[0]), ctx.signal);
    try {
      const decisions = await prune(
        clients,
        {
          regions,
          namePrefix: c.name_prefix,
          tags,
          keep: c.keep_latest ?? 3,
          olderThanMs: c.keep_days === undefined ? undefined : c.keep_days * DAY,
          dryRun: c.dry_run ?? false,
          protect: Object.values(artifact.images),
          names: { keep: `${this.where}.keep_latest`, filter: 'name_prefix or tags' },
        },
        ctx.log,
      );
      return { artifact: { ...artifact, metadata: { ...artifact.metadata, retention: decisions } }, forceKeepInput: true };
    } finally {
      await clients.destroy();
    }
  }
}
