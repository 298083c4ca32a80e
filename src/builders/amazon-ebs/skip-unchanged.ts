import type { Artifact } from '../../core/artifact.js';
import type { BuildContext, SkipUnchanged } from '../../core/context.js';
import type { Ec2Clients } from '../../cloud/aws/index.js';
import { amiArtifactId, amiLines } from './artifact-id.js';
import type { ResolvedEbs } from './resolved.js';
import { accessProperties } from './schema-access.js';
import type { SourceState } from './state.js';

/** Credentials and endpoints say how bake reaches AWS, not what goes into the image: fresh temporary keys every night must not rebuild. */
const ACCESS = new Set(Object.keys(accessProperties).filter((k) => k !== 'region'));

export interface UnchangedCheck {
  fingerprint: string;
  /** The tag every AMI of this build gets, so the next run finds it. */
  tags: Record<string, string>;
  /** The AMIs made earlier from the same inputs, per region; set only when every region has one. */
  existing?: { images: Record<string, string>; name: string };
  /** Why the build has to run, when `existing` is not set. */
  why?: string;
}

/**
 * `build --skip-unchanged`: the fingerprint of the template part, the provisioned files, the
 * user_data_file and the source AMI, and the AMIs already tagged with it in the build region and
 * every ami_regions region. A region without one means the build runs, so no region is left out.
 */
export async function checkUnchanged(cfg: ResolvedEbs, ctx: BuildContext, clients: Ec2Clients, source: SourceState['source'], skip: SkipUnchanged): Promise<UnchangedCheck> {
  const { FINGERPRINT_TAG, buildFingerprint, findByFingerprint, isConnectionOption } = await import('../../rollout/index.js');
  const value = buildFingerprint(skip, source.id, {
    omit: (key) => ACCESS.has(key) || isConnectionOption(key),
    extraFiles: cfg.userDataFile ? [cfg.userDataFile] : [],
  });
  const tags = { [FINGERPRINT_TAG]: value };
  if (cfg.ami.skipCreate) return { fingerprint: value, tags, why: 'skip_create_ami is set, so there is no AMI to reuse' };
  const regions = [cfg.region, ...cfg.ami.regions];
  const lookup = { ec2: (region: string) => clients.get(region), signal: ctx.signal };
  const found = await Promise.all(regions.map((region) => findByFingerprint(lookup, region, value)));
  const missing = regions.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    const where = missing.length === regions.length ? '' : ` in ${missing.join(', ')}`;
    return { fingerprint: value, tags, why: `no AMI has it yet${where}` };
  }
  return { fingerprint: value, tags, existing: { images: Object.fromEntries(regions.map((r, i) => [r, found[i]!.imageId])), name: found[0]!.name } };
}

/** The artifact of a skipped build: the AMIs made earlier, so post-processors (rollout, retention) still run. */
export function skippedArtifact(cfg: ResolvedEbs, ctx: BuildContext, source: SourceState['source'], check: UnchangedCheck): Artifact {
  const images = check.existing!.images;
  ctx.log.say(`Skipping: ${images[cfg.region]} already has fingerprint ${check.fingerprint}; no instance started`);
  return {
    builderType: 'amazon-ebs',
    buildName: ctx.buildName,
    id: amiArtifactId(images),
    files: [],
    images,
    metadata: { source_ami: source.id, source_ami_name: source.name, ami_name: check.existing!.name, region: cfg.region, fingerprint: check.fingerprint, skipped: true },
    description: `AMIs unchanged, reused (--skip-unchanged):\n${amiLines(images)}`,
  };
}
