import { BakeError } from '../../core/errors.js';
import type { EndpointInterface } from './auth-options.js';
import type { CatalogService } from './keystone.js';

/** Service types by what bake calls them; Cinder has gone by several names over the releases. */
export const SERVICE_TYPES = {
  compute: ['compute'],
  image: ['image'],
  network: ['network'],
  volume: ['block-storage', 'volumev3', 'volume'],
} as const;

export type ServiceKind = keyof typeof SERVICE_TYPES;

/** The URL of a service from the token's catalog, for one interface and (when given) region. */
export function findEndpoint(catalog: CatalogService[], kind: ServiceKind, iface: EndpointInterface, region?: string): string {
  for (const type of SERVICE_TYPES[kind]) {
    const service = catalog.find((s) => s.type === type);
    if (!service) continue;
    const endpoint = service.endpoints.find(
      (e) => e.interface === iface && (!region || e.region_id === region || e.region === region),
    );
    if (endpoint) return endpoint.url.replace(/\/+$/, '');
    const regions = [...new Set(service.endpoints.filter((e) => e.interface === iface).map((e) => e.region_id ?? e.region))];
    throw new BakeError(
      `openstack: the catalog has no ${iface} ${type} endpoint${region ? ` in region "${region}"` : ''}` +
        (regions.length ? ` (regions: ${regions.join(', ')})` : ''),
    );
  }
  throw new BakeError(`openstack: the catalog has no ${SERVICE_TYPES[kind].join(' or ')} service`);
}
