import type { EC2Client, Image } from '@aws-sdk/client-ec2';
import { BUILD_ID_TAG, send, toTags } from '../../cloud/aws/index.js';
import type { BuildContext } from '../../core/context.js';
import type { AmiBuildConfig } from './resolved.js';
import { snapshotIds } from './state.js';
import { resourceTags } from './tagging.js';

/**
 * Gives an available AMI's snapshots bake's tags with CreateTags. Not with CreateImage's or
 * CopyImage's snapshot TagSpecifications: emulators (moto, LocalStack) answer those with HTTP 500,
 * while CreateTags works everywhere, as in Packer. Nothing is lost if bake dies before this: the
 * AMI is tagged at creation and journaled, and removing it removes its snapshots. An AMI that came
 * back without bake's tags (moto ignores CopyImage's TagSpecifications) gets them in the same call,
 * so `bake cleanup` can trust it like any other.
 */
export async function tagSnapshots(client: EC2Client, ctx: BuildContext, cfg: AmiBuildConfig, image: Image | undefined, region: string): Promise<string[]> {
  const snaps = snapshotIds(image);
  const untagged = image?.ImageId && !image.Tags?.some((t) => t.Key === BUILD_ID_TAG) ? [image.ImageId] : [];
  if (snaps.length === 0 && untagged.length === 0) return snaps;
  const { CreateTagsCommand } = await import('@aws-sdk/client-ec2');
  await send(client, new CreateTagsCommand({ Resources: [...untagged, ...snaps], Tags: toTags(resourceTags(ctx, cfg)) }), {
    what: `amazon-ebs: tag the snapshots of ${image?.ImageId} in ${region}`,
    signal: ctx.signal,
    retryNotFound: true,
  });
  return snaps;
}
