import type { Logger } from '../../core/events.js';
import { errorText } from '../../core/errors.js';
import type { OpenResource } from '../../core/journal.js';
import { waitUntil } from '../../core/wait.js';
import type { PartialAuth } from './auth-options.js';
import { cinder } from './cinder.js';
import { ownerOf } from './cleanup-owner.js';
import { glance } from './glance.js';
import type { Transport } from './http.js';
import { neutron } from './neutron.js';
import { nova } from './nova.js';
import { resolveAuth } from './resolve-auth.js';
import { Session } from './session.js';

export interface CleanupOptions {
  dryRun?: boolean;
  log?: Logger;
  signal?: AbortSignal;
  /** Credentials to use; the auth URL, project, cloud and region the journal recorded are laid over them. */
  auth?: PartialAuth;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  transport?: Transport;
  /** Bound of each wait (server gone, volume detached). */
  waitMs?: number;
  /** Called for each resource removed (or already gone), so the caller can strike it from the journal. */
  onRemoved?: (resource: OpenResource) => void;
}

export interface CleanupReport {
  removed: OpenResource[];
  wouldRemove: OpenResource[];
  /** Present but not carrying the recording build's bake:build-id: left alone. */
  skipped: OpenResource[];
  failed: { resource: OpenResource; error: string }[];
}

/** Servers first (they hold the floating IP, key pair and volume), the image last. */
const ORDER = ['openstack:server', 'openstack:floating-ip', 'openstack:key-pair', 'openstack:volume', 'openstack:image'];
const DELETABLE = new Set(['available', 'error', 'error_restoring', 'error_extending', 'error_managing']);

/**
 * Removes OpenStack resources killed runs left behind, as recorded in the journal. A resource is
 * deleted only if it still carries the bake:build-id of the build that recorded it.
 */
export async function cleanupOpenstackLeftovers(resources: OpenResource[], opts: CleanupOptions = {}): Promise<CleanupReport> {
  const report: CleanupReport = { removed: [], wouldRemove: [], skipped: [], failed: [] };
  const sessions = new Map<string, Session>();
  const sessionFor = (r: OpenResource): Session => {
    const d = r.details ?? {};
    const key = [d.auth_url, d.cloud, d.project, r.region].join('\u0000');
    if (!sessions.has(key)) {
      const template: PartialAuth = { ...opts.auth, authUrl: d.auth_url ?? opts.auth?.authUrl, region: r.region ?? opts.auth?.region };
      if (d.project) Object.assign(template, { projectId: d.project, projectName: undefined });
      sessions.set(key, new Session(resolveAuth({ template, cloud: d.cloud, env: opts.env, cwd: opts.cwd }), opts.transport));
    }
    return sessions.get(key)!;
  };
  const sorted = resources.filter((r) => ORDER.includes(r.type)).sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
  for (const r of sorted) {
    const what = `${r.type.slice('openstack:'.length)} ${r.id}`;
    try {
      const session = sessionFor(r);
      const owner = await ownerOf(session, r, opts.signal);
      if (owner === 'gone') {
        opts.log?.info(`${what}: already gone`);
        report.removed.push(r);
        opts.onRemoved?.(r);
      } else if (owner !== r.buildId) {
        opts.log?.warn(`${what}: does not carry bake:build-id=${r.buildId}; left alone`);
        report.skipped.push(r);
      } else if (opts.dryRun) {
        report.wouldRemove.push(r);
      } else {
        opts.log?.say(`Deleting ${what}...`);
        await removeOne(session, r, opts);
        report.removed.push(r);
        opts.onRemoved?.(r);
      }
    } catch (err) {
      opts.log?.error(`${what}: ${errorText(err)}`);
      report.failed.push({ resource: r, error: errorText(err) });
    }
  }
  return report;
}

async function removeOne(s: Session, r: OpenResource, opts: CleanupOptions): Promise<void> {
  const { signal } = opts;
  const maxWaitMs = opts.waitMs ?? 300_000;
  switch (r.type) {
    case 'openstack:server':
      await nova.deleteServer(s, r.id, false, signal);
      await waitUntil(async () => ((await nova.getServer(s, r.id, signal)) ? undefined : true), { what: `server ${r.id} to be deleted`, maxWaitMs, signal });
      return;
    case 'openstack:floating-ip':
      return neutron.deleteFloatingIp(s, r.id, signal);
    case 'openstack:key-pair':
      return nova.deleteKeyPair(s, r.id, signal);
    case 'openstack:volume':
      await waitUntil(
        async () => {
          const v = await cinder.getVolume(s, r.id, signal);
          return !v || DELETABLE.has(v.status) ? true : undefined;
        },
        { what: `volume ${r.id} to be deletable`, maxWaitMs, signal },
      );
      return cinder.deleteVolume(s, r.id, signal);
    case 'openstack:image':
      return glance.deleteImage(s, r.id, signal);
  }
}
