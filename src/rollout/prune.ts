import type * as Ec2 from '@aws-sdk/client-ec2';
import { deregisterImage } from '../cloud/aws/index.js';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { formatDuration } from '../core/wait.js';
import { callAll, type RolloutClients } from './clients.js';
import { imagesInUse } from './in-use.js';

export interface PruneRequest {
  regions: string[];
  /** Only AMIs whose name starts with this. */
  namePrefix?: string;
  /** Only AMIs carrying all these tags. */
  tags?: Record<string, string>;
  /** The newest `keep` matching AMIs per region are kept whatever their age. */
  keep: number;
  /** Only AMIs at least this old are removed. */
  olderThanMs?: number;
  dryRun: boolean;
  /** AMIs never removed, e.g. the one the build just made. */
  protect?: string[];
  /** Flag names for messages: "--keep" or "keep_latest". */
  names?: { keep: string; filter: string };
}

export interface PruneDecision {
  region: string;
  imageId: string;
  name: string;
  created: string;
  action: 'remove' | 'keep';
  why: string;
  snapshots?: string[];
}

function formatAge(ms: number): string {
  return ms >= 86_400_000 && ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : formatDuration(ms);
}

export function checkPruneRequest(req: PruneRequest): void {
  const names = req.names ?? { keep: '--keep', filter: '--name-prefix or --tag' };
  if (!Number.isInteger(req.keep) || req.keep < 1) {
    throw new UsageError(`${names.keep}: must be at least 1 (got ${req.keep}); bake never removes every image, the newest one is what your groups roll back to`);
  }
  if (!req.namePrefix && Object.keys(req.tags ?? {}).length === 0) {
    throw new UsageError(`prune needs ${names.filter}: bake removes only the images you name`);
  }
  if (req.regions.length === 0) throw new UsageError('prune needs at least one region');
}

async function candidates(clients: RolloutClients, region: string, req: PruneRequest): Promise<Ec2.Image[]> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const filters = [
    ...(req.namePrefix ? [{ Name: 'name', Values: [`${req.namePrefix}*`] }] : []),
    ...Object.entries(req.tags ?? {}).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
  ];
  const images = await callAll<Ec2.DescribeImagesCommandOutput, Ec2.Image>(
    await clients.ec2(region),
    (NextToken) => new ec2.DescribeImagesCommand({ Owners: ['self'], Filters: filters, NextToken }),
    (p) => p.Images,
    `list AMIs in ${region}`,
    clients.signal,
  );
  return images.sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
}

/** Decides, then (unless a dry run) deregisters each AMI to remove and deletes its snapshots; says why each one was kept. */
export async function prune(clients: RolloutClients, req: PruneRequest, log: Logger, now = Date.now()): Promise<PruneDecision[]> {
  checkPruneRequest(req);
  const decisions: PruneDecision[] = [];
  for (const region of req.regions) {
    const images = await candidates(clients, region, req);
    const users = images.length > req.keep ? await imagesInUse(clients, region) : new Map<string, string[]>();
    for (const [i, image] of images.entries()) {
      const id = image.ImageId ?? '';
      const created = image.CreationDate ?? '';
      const age = now - Date.parse(created);
      const d: PruneDecision = { region, imageId: id, name: image.Name ?? '', created, action: 'keep', why: '' };
      if (i < req.keep) d.why = `one of the ${req.keep} newest`;
      else if (req.protect?.includes(id)) d.why = 'made by this build';
      else if (req.olderThanMs !== undefined && age < req.olderThanMs) d.why = `younger than ${formatAge(req.olderThanMs)}`;
      else if (users.has(id)) d.why = `in use by ${users.get(id)!.join(', ')}`;
      else {
        d.action = 'remove';
        d.why = `older than the ${req.keep} newest and unused`;
      }
      decisions.push(d);
    }
  }
  for (const d of decisions) {
    const label = `${d.imageId} (${d.name}, ${d.created.slice(0, 10)}) in ${d.region}`;
    if (d.action === 'keep') {
      log.info(`kept ${label}: ${d.why}`);
    } else if (req.dryRun) {
      log.info(`would remove ${label}: ${d.why}`);
    } else {
      d.snapshots = await deregisterImage(await clients.ec2(d.region), d.imageId, clients.signal);
      log.info(`removed ${label} and snapshot(s) ${d.snapshots.join(', ') || '(none)'}`);
    }
  }
  const removed = decisions.filter((d) => d.action === 'remove').length;
  log.say(`${req.dryRun ? 'Dry run: would remove' : 'Removed'} ${removed} AMI(s), kept ${decisions.length - removed}`);
  return decisions;
}
