import { glance } from '../../cloud/openstack/index.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState, ImageState, InitState } from './state.js';

/** Visibility, min_disk, properties of a volume-made image, members and tags; then the image is kept. */
export function stepImageSettings(config: ResolvedOpenstack): Step<InitState & AuthState & ImageState, object> {
  return {
    name: 'image settings',
    run: async (ctx, { session, image, imageProperties }) => {
      if (!image) return {};
      const fields: Record<string, unknown> = {};
      if (config.image.visibility) fields.visibility = config.image.visibility;
      if (config.image.minDisk !== undefined) fields.min_disk = config.image.minDisk;
      // Nova's createImage already set these; Cinder's upload cannot.
      if (config.volume) Object.assign(fields, config.image.metadata, imageProperties, ctx.imageTags?.(), { 'bake:build-id': ctx.buildId });
      if (Object.keys(fields).length) {
        ctx.log.say(`Updating image ${image.id}: ${Object.keys(fields).join(', ')}`);
        await glance.updateImage(session, image.id, fields, ctx.signal);
      }
      for (const member of config.image.members) {
        ctx.log.say(`Sharing image ${image.id} with project ${member}`);
        await glance.addMember(session, image.id, member, ctx.signal);
        if (config.image.autoAcceptMembers) await glance.acceptMember(session, image.id, member, ctx.signal);
      }
      for (const tag of config.image.tags) await glance.addTag(session, image.id, tag, ctx.signal);
      if (config.image.tags.length) ctx.log.say(`Tagged image ${image.id}: ${config.image.tags.join(', ')}`);
      image.keep = true;
      return {};
    },
  };
}
