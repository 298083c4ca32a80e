import type { OpenResource } from '../../core/journal.js';
import { cinder } from './cinder.js';
import { glance } from './glance.js';
import type { Transport } from './http.js';
import { neutron } from './neutron.js';
import { nova } from './nova.js';
import { resolveAuth, type AuthSources } from './resolve-auth.js';
import { Session } from './session.js';

export interface FindTaggedOptions {
  auth: AuthSources;
  transport?: Transport;
  signal?: AbortSignal;
}

const BUILD_ID = 'bake:build-id';
/** An image carrying the tag is a build's product once active; only unfinished ones are leftovers. */
const UNFINISHED_IMAGE = new Set(['queued', 'saving', 'importing', 'uploading', 'killed']);

/**
 * Resources of the project that carry a bake:build-id, for `bake cleanup` to find what a run killed
 * before its journal line was written. They come back shaped as journal entries, so
 * cleanupOpenstackLeftovers can remove them with the same owner check.
 */
export async function findOpenstackTagged(opts: FindTaggedOptions): Promise<OpenResource[]> {
  const auth = resolveAuth(opts.auth);
  const s = new Session(auth, opts.transport);
  const token = await s.login(opts.signal);
  const details: Record<string, string> = { auth_url: auth.authUrl, ...(token.projectId ? { project: token.projectId } : {}), ...(auth.cloud ? { cloud: auth.cloud } : {}) };
  const at = new Date().toISOString();
  const found: OpenResource[] = [];
  const add = (type: string, id: string, buildId: string | undefined) => {
    if (buildId) found.push({ type, id, region: auth.region, details, buildId, build: '', at });
  };
  for (const server of await nova.listServers(s, opts.signal)) add('openstack:server', server.id, server.metadata?.[BUILD_ID]);
  for (const name of await nova.listKeyPairs(s, opts.signal)) add('openstack:key-pair', name, name.match(/^bake_(.+)$/)?.[1]);
  for (const fip of await neutron.listFloatingIps(s, {}, opts.signal)) add('openstack:floating-ip', fip.id, fip.description?.match(/bake:build-id=(\S+)/)?.[1]);
  for (const volume of await cinder.listVolumes(s, opts.signal)) add('openstack:volume', volume.id, volume.metadata?.[BUILD_ID]);
  for (const image of await glance.listImages(s, {}, opts.signal)) {
    if (UNFINISHED_IMAGE.has(image.status)) add('openstack:image', image.id, image[BUILD_ID] as string | undefined);
  }
  return found;
}
