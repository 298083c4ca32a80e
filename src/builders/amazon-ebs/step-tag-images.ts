import type { Step } from '../../core/steps.js';
import { BUILD_ID_TAG, send, toTags } from '../../cloud/aws/index.js';
import { renderTags } from './render-tags.js';
import type { AmiBuildConfig } from './resolved.js';
import { templateData, type ImageState, type Init, type SourceState } from './state.js';

/**
 * Tags and snapshot_tags in every region ({{ .BuildRegion }} is the build's region in all), then marks the build
 * done: the AMIs lose bake's build-id tag, so `bake cleanup` no longer sees them as leftovers. As in
 * Packer, the snapshots get `tags` too, with `snapshot_tags` winning where both name a key.
 */
export function tagImagesStep(cfg: AmiBuildConfig): Step<Init & SourceState & ImageState, object> {
  return {
    name: 'tag-images',
    async run(ctx, state) {
      const ec2 = await import('@aws-sdk/client-ec2');
      await Promise.all(
        Object.entries(state.images).map(async ([region, id]) => {
          const client = await state.clients.get(region);
          const opts = (what: string) => ({ what: `amazon-ebs: ${what} in ${region}`, signal: ctx.signal, retryNotFound: true });
          const data = templateData(cfg, state);
          const snaps = state.snapshots[region] ?? [];
          const userTags = renderTags(cfg, 'tags', cfg.ami.tags, data);
          const tags = { ...userTags, ...state.imageTags, ...ctx.imageTags?.() };
          const snapTags = { ...userTags, ...renderTags(cfg, 'snapshot_tags', cfg.ami.snapshotTags, data) };
          if (Object.keys(tags).length) {
            ctx.log.say(`Adding tags to AMI ${id} in ${region}`);
            await send(client, new ec2.CreateTagsCommand({ Resources: [id], Tags: toTags(tags) }), opts(`tag AMI ${id}`));
          }
          if (Object.keys(snapTags).length && snaps.length) {
            await send(client, new ec2.CreateTagsCommand({ Resources: snaps, Tags: toTags(snapTags) }), opts(`tag snapshots of ${id}`));
          }
          await send(client, new ec2.DeleteTagsCommand({ Resources: [id, ...snaps], Tags: [{ Key: BUILD_ID_TAG }] }), opts(`mark AMI ${id} finished`));
        }),
      );
      for (const [region, id] of Object.entries(state.images)) ctx.journal.removed({ type: 'aws:image', id, region });
      state.outcome.succeeded = true;
      return {};
    },
  };
}
