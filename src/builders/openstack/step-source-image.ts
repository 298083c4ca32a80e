import { glance, type Image } from '../../cloud/openstack/index.js';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState } from './state.js';

function pick(images: Image[], what: string, mostRecent: boolean): Image {
  if (images.length === 0) throw new BakeError(`openstack: no active image matches ${what}`);
  if (images.length > 1 && !mostRecent) {
    const ids = images.slice(0, 5).map((i) => i.id).join(', ');
    throw new BakeError(`openstack: ${images.length} images match ${what} (${ids}${images.length > 5 ? ', …' : ''}); give source_image (an id) or use source_image_filter with most_recent`);
  }
  return [...images].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)))[0];
}

/** Finds the image to boot: by id (checked to exist), exact name, or Glance filter. */
export function stepSourceImage(config: ResolvedOpenstack): Step<AuthState, { sourceImageId: string }> {
  return {
    name: 'source image',
    run: async (ctx, { session }) => {
      const src = config.source;
      let image: Image;
      if (src.kind === 'id') {
        const found = await glance.getImage(session, src.id, ctx.signal);
        if (!found) throw new BakeError(`openstack: source_image ${src.id}: no such image`);
        image = found;
      } else if (src.kind === 'name') {
        const found = await glance.listImages(session, { name: src.name, status: 'active' }, ctx.signal);
        image = pick(found, `source_image_name "${src.name}"`, false);
      } else {
        const found = await glance.listImages(session, { ...src.query, status: 'active', sort: 'created_at:desc' }, ctx.signal);
        image = pick(found, `source_image_filter (${src.text})`, src.mostRecent);
      }
      ctx.log.say(`Using source image ${image.name} (${image.id})`);
      return { sourceImageId: image.id };
    },
  };
}
