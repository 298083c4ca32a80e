import { errorText } from '../../core/errors.js';
import type { JournalResource } from '../../core/journal.js';
import { waitUntil } from '../../core/wait.js';
import type { PartialAuth } from './auth-options.js';
import { cinder } from './cinder.js';
import { glance } from './glance.js';
import type { Transport } from './http.js';
import { neutron } from './neutron.js';
import { nova } from './nova.js';
import { resolveAuth } from './resolve-auth.js';
import { Session } from './session.js';

export interface CleanupOptions {
  /** Credentials to use; what the journal recorded (auth URL, project, cloud, region) is laid over them. */
  auth?: PartialAuth;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  transport?: Transport;
  signal?: AbortSignal;
  /** How long to wait for a server to be gone before deleting what it held (volume). */
  serverGoneTimeoutMs?: number;
}

export interface CleanupResult {
  removed: JournalResource[];
  failed: { resource: JournalResource; error: string }[];
}

/** Servers first (they hold the floating IP, key pair and volume), the image last. */
const ORDER = ['openstack:server', 'openstack:floating-ip', 'openstack:key-pair', 'openstack:volume', 'openstack:image'];

/** Removes OpenStack resources a killed run left behind, as recorded in the journal. */
export async function cleanupOpenstackLeftovers(resources: JournalResource[], opts: CleanupOptions = {}): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], failed: [] };
  const sessions = new Map<string, Session>();
  const sorted = resources
    .filter((r) => ORDER.includes(r.type))
    .sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
  for (const r of sorted) {
    try {
      const d = r.details ?? {};
      const key = [d.auth_url, d.cloud, d.project, r.region].join('\u0000');
      let session = sessions.get(key);
      if (!session) {
        const auth = resolveAuth({
          template: { ...opts.auth, authUrl: d.auth_url ?? opts.auth?.authUrl, region: r.region ?? opts.auth?.region, ...projectOf(d.project) },
          cloud: d.cloud ?? undefined,
          env: opts.env,
          cwd: opts.cwd,
        });
        session = new Session(auth, opts.transport);
        sessions.set(key, session);
      }
      await removeOne(session, r, opts);
      result.removed.push(r);
    } catch (err) {
      result.failed.push({ resource: r, error: errorText(err) });
    }
  }
  return result;
}

function projectOf(project: string | undefined): PartialAuth {
  return project ? { projectId: project } : {};
}

async function removeOne(s: Session, r: JournalResource, opts: CleanupOptions): Promise<void> {
  const signal = opts.signal;
  switch (r.type) {
    case 'openstack:server':
      await nova.deleteServer(s, r.id, false, signal);
      await waitUntil(async () => ((await nova.getServer(s, r.id, signal)) ? undefined : true), {
        what: `server ${r.id} to be deleted`,
        maxWaitMs: opts.serverGoneTimeoutMs ?? 300_000,
        signal,
      });
      return;
    case 'openstack:floating-ip':
      return neutron.deleteFloatingIp(s, r.id, signal);
    case 'openstack:key-pair':
      return nova.deleteKeyPair(s, r.id, signal);
    case 'openstack:volume':
      return cinder.deleteVolume(s, r.id, signal);
    case 'openstack:image':
      return glance.deleteImage(s, r.id, signal);
  }
}
