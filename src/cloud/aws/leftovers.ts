import type { Logger } from '../../core/events.js';
import { BakeError, errorText } from '../../core/errors.js';
import type { Journal, OpenResource } from '../../core/journal.js';
import { type AwsAccess, Ec2Clients } from './client.js';
import { type AwsResource, buildIdTag, findTagged } from './find-tagged.js';
import { deleteVolume } from './volumes.js';
import { deleteKeyPair, deleteSecurityGroup, terminateInstance } from './resources.js';
import { deleteSnapshot, deregisterImage } from './remove-image.js';

export interface CleanupOptions {
  dryRun: boolean;
  log: Logger;
  signal: AbortSignal;
  /** Also search this region for resources carrying the bake:build-id tag. */
  region?: string;
  /** With `region`: only tagged resources older than this. */
  olderThanMs?: number;
  /** With `region`: builds whose bake process is still running; their tagged resources are in use. */
  inUse?: ReadonlySet<string>;
  /** Credentials/endpoint; default: the SDK's standard chain. */
  access?: Omit<AwsAccess, 'region'>;
  /** Struck out for each resource removed (or found already gone). */
  journal?: Pick<Journal, 'removed'>;
  /** Called for each resource removed (or already gone). */
  onRemoved?: (resource: AwsResource) => void;
}

export interface CleanupReport {
  removed: AwsResource[];
  /** Dry run: what would be removed. */
  wouldRemove: AwsResource[];
  /** Present but without bake's tag (or with another build's): left alone. */
  skipped: AwsResource[];
  failed: { resource: AwsResource; error: string }[];
}

const ORDER: AwsResource['type'][] = ['aws:instance', 'aws:volume', 'aws:image', 'aws:snapshot', 'aws:security-group', 'aws:key-pair'];
const POLLING = { minDelayMs: 1000, maxDelayMs: 10_000, maxWaitMs: 15 * 60_000 };

function describe(r: AwsResource): string {
  return `${r.type.slice(4)} ${r.id} in ${r.region}${r.buildId ? ` (build ${r.buildId})` : ''}`;
}

function fromJournal(resources: OpenResource[]): AwsResource[] {
  return resources
    .filter((r) => r.type.startsWith('aws:') && ORDER.includes(r.type as AwsResource['type']) && r.region)
    .map((r) => ({ type: r.type as AwsResource['type'], id: r.id, region: r.region!, buildId: r.buildId, details: r.details }));
}

/**
 * Removes what killed runs left behind, in dependency order (instances before their security
 * groups, AMIs before their snapshots). Journal entries are removed only if the live resource still
 * carries the bake:build-id tag of the build that recorded it; nothing without bake's tag is touched.
 * Throws, after trying everything, when some resource could not be removed.
 */
export async function cleanupAwsLeftovers(resources: OpenResource[], options: CleanupOptions): Promise<CleanupReport> {
  const opts = {
    ...options,
    onRemoved: (r: AwsResource) => {
      options.journal?.removed({ type: r.type, id: r.id, region: r.region });
      options.onRemoved?.(r);
    },
  };
  const report: CleanupReport = { removed: [], wouldRemove: [], skipped: [], failed: [] };
  // One client per region and endpoint/profile: a journal entry is removed where its build made it.
  const factories = new Map<string, Ec2Clients>();
  const clients = (r: { region: string; details?: Record<string, string> }) => {
    const endpoint = r.details?.endpoint ?? opts.access?.endpoint;
    const profile = r.details?.profile ?? opts.access?.profile;
    const key = `${r.region}\u0000${endpoint ?? ''}\u0000${profile ?? ''}`;
    if (!factories.has(key)) factories.set(key, new Ec2Clients({ ...opts.access, region: r.region, endpoint, profile }));
    return factories.get(key)!.get(r.region);
  };
  try {
    const todo: AwsResource[] = [];
    for (const r of fromJournal(resources)) {
      const tag = await buildIdTag(await clients(r), r, opts.signal);
      if (tag === null) {
        opts.onRemoved?.(r);
        continue;
      }
      if (tag !== r.buildId) {
        opts.log.warn(`leaving ${describe(r)} alone: it does not carry bake:build-id=${r.buildId}`);
        report.skipped.push(r);
        continue;
      }
      todo.push(r);
    }
    if (opts.region) {
      const cutoff = opts.olderThanMs === undefined ? undefined : Date.now() - opts.olderThanMs;
      const tagged = await findTagged(await clients({ region: opts.region }), opts.region, opts.signal);
      const old = tagged.filter((r) => !opts.inUse?.has(r.buildId ?? '') && (cutoff === undefined || (r.createdAt !== undefined && r.createdAt.getTime() < cutoff)));
      // Security groups carry no creation time: take those of builds that left other old resources.
      const oldBuilds = new Set(old.map((r) => r.buildId));
      const groups = tagged.filter((r) => r.type === 'aws:security-group' && !opts.inUse?.has(r.buildId ?? '') && (cutoff === undefined || oldBuilds.has(r.buildId)));
      for (const r of [...old, ...groups]) if (!todo.some((t) => t.type === r.type && t.id === r.id && t.region === r.region)) todo.push(r);
    }
    todo.sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
    for (const r of todo) {
      if (opts.dryRun) {
        opts.log.info(`would remove ${describe(r)}`);
        report.wouldRemove.push(r);
        continue;
      }
      try {
        await removeOne(await clients(r), r, opts);
        opts.log.info(`removed ${describe(r)}`);
        report.removed.push(r);
        opts.onRemoved?.(r);
      } catch (err) {
        opts.log.error(`could not remove ${describe(r)}: ${errorText(err)}`);
        report.failed.push({ resource: r, error: errorText(err) });
      }
    }
  } finally {
    for (const c of factories.values()) await c.destroy();
  }
  if (report.failed.length) {
    const left = report.failed.map((f) => `${describe(f.resource)}`).join(', ');
    throw new BakeError(`${report.failed.length} AWS resource(s) could not be removed: ${left}; run \`bake cleanup\` again`, { cause: report });
  }
  return report;
}

async function removeOne(client: Awaited<ReturnType<Ec2Clients['get']>>, r: AwsResource, opts: CleanupOptions): Promise<void> {
  switch (r.type) {
    case 'aws:instance':
      return terminateInstance(client, r.id, { signal: opts.signal, log: opts.log, polling: POLLING });
    case 'aws:volume':
      return deleteVolume(client, r.id, { signal: opts.signal, log: opts.log, polling: POLLING });
    case 'aws:image':
      await deregisterImage(client, r.id, opts.signal);
      return;
    case 'aws:snapshot':
      return deleteSnapshot(client, r.id, opts.signal);
    case 'aws:security-group':
      return deleteSecurityGroup(client, r.id, opts.signal);
    case 'aws:key-pair':
      return deleteKeyPair(client, r.id, opts.signal);
  }
}
