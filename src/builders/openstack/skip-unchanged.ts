import { glance, type Image } from '../../cloud/openstack/index.js';
import type { Artifact } from '../../core/artifact.js';
import type { BuildContext, SkipUnchanged } from '../../core/context.js';
import { openstackArtifact } from './artifact.js';
import type { ResolvedOpenstack } from './resolved.js';
import { accessProperties } from './schema-access.js';
import type { AuthState } from './state.js';

/** Credentials and endpoints say how bake reaches the cloud, not what goes into the image. */
const ACCESS = new Set(Object.keys(accessProperties).filter((k) => k !== 'region'));

export interface UnchangedCheck {
  fingerprint: string;
  /** The image property the new image gets, so the next run finds it. */
  properties: Record<string, string>;
  /** An active image of this project made earlier from the same inputs. */
  existing?: Image;
}

/**
 * `build --skip-unchanged`: the fingerprint of the template part, the provisioned files, the
 * user_data_file and the source image, and the newest active image of this project whose
 * `bake:fingerprint` property has it.
 */
export async function checkUnchanged(
  config: ResolvedOpenstack,
  ctx: BuildContext,
  state: AuthState & { sourceImageId: string },
  skip: SkipUnchanged,
): Promise<UnchangedCheck> {
  const { FINGERPRINT_TAG, buildFingerprint, isConnectionOption } = await import('../../rollout/index.js');
  const value = buildFingerprint(skip, state.sourceImageId, {
    omit: (key) => ACCESS.has(key) || isConnectionOption(key),
    extraFiles: config.userDataFile ? [config.userDataFile] : [],
  });
  const properties = { [FINGERPRINT_TAG]: value };
  if (config.image.skip) return { fingerprint: value, properties };
  const query = { [FINGERPRINT_TAG]: value, status: 'active', owner: state.journalDetails.project, sort: 'created_at:desc' };
  const [existing] = await glance.listImages(state.session, query, ctx.signal);
  return { fingerprint: value, properties, existing };
}

/** The artifact of a skipped build: the image made earlier, so post-processors still run. */
export function skippedArtifact(config: ResolvedOpenstack, ctx: BuildContext, state: AuthState & { sourceImageId: string }, check: UnchangedCheck): Artifact {
  const image = check.existing!;
  ctx.log.say(`Skipping: ${image.id} already has fingerprint ${check.fingerprint}; no server started`);
  const artifact = openstackArtifact(config, ctx.buildName, state.session, image.id, state.sourceImageId, state.region);
  return {
    ...artifact,
    metadata: { ...artifact.metadata, image_name: image.name, fingerprint: check.fingerprint, skipped: true },
    description: `Image unchanged, reused (--skip-unchanged): ${image.id} (${image.name})`,
  };
}
