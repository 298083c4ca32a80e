import type { OpenResource } from '../../core/journal.js';
import { cinder } from './cinder.js';
import { glance } from './glance.js';
import { neutron } from './neutron.js';
import { nova } from './nova.js';
import type { Session } from './session.js';

const BUILD_ID = 'bake:build-id';

/**
 * Who a live resource says it belongs to: 'gone' when it no longer exists, the build id it carries
 * (metadata, image property, floating IP description, temporary key pair name), or undefined.
 */
export async function ownerOf(s: Session, r: OpenResource, signal?: AbortSignal): Promise<string | undefined | 'gone'> {
  switch (r.type) {
    case 'openstack:server': {
      const server = await nova.getServer(s, r.id, signal);
      return server ? server.metadata?.[BUILD_ID] : 'gone';
    }
    case 'openstack:volume': {
      const volume = await cinder.getVolume(s, r.id, signal);
      return volume ? volume.metadata?.[BUILD_ID] : 'gone';
    }
    case 'openstack:image': {
      const image = await glance.getImage(s, r.id, signal);
      return image ? (image[BUILD_ID] as string | undefined) : 'gone';
    }
    case 'openstack:floating-ip': {
      const [fip] = await neutron.listFloatingIps(s, { id: r.id }, signal);
      return fip ? fip.description?.match(/bake:build-id=(\S+)/)?.[1] : 'gone';
    }
    case 'openstack:key-pair':
      return r.id === `bake_${r.buildId}` ? r.buildId : undefined;
    default:
      return undefined;
  }
}
