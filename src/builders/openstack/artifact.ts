import { glance, type Session } from '../../cloud/openstack/index.js';
import type { Artifact } from '../../core/artifact.js';
import type { ResolvedOpenstack } from './resolved.js';

export function openstackArtifact(config: ResolvedOpenstack, buildName: string, session: Session, imageId: string, sourceImageId: string, region?: string): Artifact {
  return {
    builderType: 'openstack',
    buildName,
    id: imageId,
    files: [],
    images: { [region ?? 'openstack']: imageId },
    metadata: { image_name: config.image.name, source_image: sourceImageId, region: region ?? '', auth_url: session.auth.authUrl },
    description: `An image was created: ${imageId} (${config.image.name})`,
    destroy: async () => {
      await glance.deleteImage(session, imageId);
    },
  };
}
