import { readFileSync, rmSync } from 'node:fs';
import { Journal, defaultJournalPath, resourceText, type OpenResource } from '../core/journal.js';
import { ownerAlive } from '../core/process-owner.js';
import { BakeError, UsageError, errorText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { parseDuration } from '../core/wait.js';
import { makeBus } from './output.js';
import { abortOnSignals } from './signals.js';

export interface CleanupFlags {
  dryRun?: boolean;
  region?: string;
  olderThan?: string;
  buildId?: string;
  journal?: string;
  machineReadable?: boolean;
}

export interface CleanupOptions {
  dryRun: boolean;
  log: Logger;
  signal: AbortSignal;
  region?: string;
  olderThanMs?: number;
  journal: Journal;
  /** Builds whose bake process still runs: nothing of theirs is touched. */
  inUse: ReadonlySet<string>;
}

type Cleaner = (resources: OpenResource[], options: CleanupOptions) => Promise<void>;

/**
 * Removes what killed runs left behind, from the journal, in dependency order per cloud. Each
 * cloud's cleaner is loaded only when the journal names a resource of that cloud.
 */
export async function cleanupCommand(flags: CleanupFlags): Promise<number> {
  const olderThanMs = flags.olderThan === undefined ? undefined : parseDuration(flags.olderThan.replace(/(\d+)d/g, (_, d) => `${Number(d) * 24}h`));
  if (flags.olderThan !== undefined && olderThanMs === undefined) {
    throw new UsageError(`--older-than=${flags.olderThan}: expected a duration like "2h" or "30d"`);
  }
  const path = flags.journal ?? defaultJournalPath();
  const bus = makeBus({ machineReadable: flags.machineReadable });
  const log = bus.logger('cleanup');
  const journal = new Journal(path, 'bake-cleanup', 'cleanup');
  const cutoff = olderThanMs === undefined ? Infinity : Date.now() - olderThanMs;
  const chosen = Journal.open(path).filter(
    (r) => (!flags.region || !r.region || r.region === flags.region) && Date.parse(r.at) <= cutoff && (!flags.buildId || r.buildId === flags.buildId),
  );
  // A build whose bake process still runs owns its resources: removing them would break it.
  const busy = chosen.filter((r) => ownerAlive(r.owner));
  const inUse = new Set(busy.map((r) => r.buildId));
  const open = chosen.filter((r) => !inUse.has(r.buildId));
  // With --region, AWS is also searched by the bake:build-id tag, for runs killed before their journal line was written.
  if (chosen.length === 0 && !flags.region) {
    log.say(`Nothing to clean up (journal: ${path}).`);
    return 0;
  }
  if (busy.length > 0) {
    log.say(`${busy.length} resource(s) of builds still running, left alone:`);
    for (const r of busy) log.info(`${resourceText(r)} (build ${r.build}, ${r.buildId}, ${r.at}): in use by pid ${r.owner!.pid}`);
  }
  if (open.length === 0 && !flags.region) {
    log.say('Nothing else to clean up.');
    return 0;
  }
  log.say(`${open.length} resource(s) left by earlier runs in the journal${flags.dryRun ? ' (dry run: nothing is removed)' : ''}${open.length ? ':' : '.'}`);
  for (const r of open) log.info(`${resourceText(r)} (build ${r.build}, ${r.buildId}, ${r.at})`);
  // What of the resources this cleanup set out to remove is still in the journal.
  const remaining = () => Journal.open(path).filter((r) => open.some((o) => o.buildId === r.buildId && o.type === r.type && o.id === r.id)).map(resourceText);
  const { signal, dispose } = abortOnSignals(bus, { remaining, stopping: 'stopping after the deletions under way; what is left stays in the journal...' });
  let failed = 0;
  try {
    const byCloud = new Map<string, OpenResource[]>();
    for (const r of open) {
      const cloud = r.type.split(':')[0];
      byCloud.set(cloud, [...(byCloud.get(cloud) ?? []), r]);
    }
    if (flags.region && !byCloud.has('aws')) byCloud.set('aws', []);
    for (const [cloud, resources] of byCloud) {
      const cleaner = await cleanerFor(cloud);
      if (!cleaner) {
        log.error(`no cleaner for ${cloud} resources: ${resources.map((r) => r.id).join(', ')}`);
        failed += resources.length;
        continue;
      }
      try {
        await cleaner(resources, { dryRun: flags.dryRun ?? false, log, signal, region: flags.region, olderThanMs, journal, inUse });
      } catch (err) {
        log.error(`${cloud} cleanup failed: ${errorText(err)}`);
        failed++;
      }
    }
  } finally {
    dispose();
  }
  return failed > 0 ? 1 : 0;
}

async function cleanerFor(cloud: string): Promise<Cleaner | undefined> {
  if (cloud === 'local') return cleanupLocal;
  if (cloud === 'aws') {
    const { cleanupAwsLeftovers } = await import('../cloud/aws/index.js');
    const { cleanupRolloutLeftovers } = await import('../rollout/index.js');
    return async (resources, o) => {
      // Launch template versions and configurations first: they may name AMIs the EC2 pass removes.
      const rolloutFailures = await cleanupRolloutLeftovers(resources, { dryRun: o.dryRun, log: o.log, signal: o.signal, journal: o.journal });
      await cleanupAwsLeftovers(resources, { dryRun: o.dryRun, log: o.log, signal: o.signal, region: o.region, olderThanMs: o.olderThanMs, journal: o.journal, inUse: o.inUse });
      if (rolloutFailures > 0) throw new BakeError(`${rolloutFailures} launch template version(s) or configuration(s) could not be removed`);
    };
  }
  if (cloud === 'openstack') {
    const { cleanupOpenstackLeftovers } = await import('../cloud/openstack/index.js');
    return async (resources, o) => {
      const report = await cleanupOpenstackLeftovers(resources, {
        dryRun: o.dryRun,
        log: o.log,
        signal: o.signal,
        onRemoved: (r) => o.journal.removed({ type: r.type, id: r.id, region: r.region }),
      });
      if (report.failed.length > 0) {
        throw new BakeError(`could not remove ${report.failed.map((f) => `${f.resource.type} ${f.resource.id} (${f.error})`).join(', ')}`);
      }
    };
  }
  return undefined;
}

/** Local leftovers: processes (a VM, a kept chroot's namespace) and paths (temporary keys, half-written images). */
const cleanupLocal: Cleaner = async (resources, options) => {
  for (const r of [...resources].reverse()) {
    if (options.dryRun) {
      options.log.info(`would remove ${r.type} ${r.id}`);
      continue;
    }
    if (r.type === 'local:process') {
      // A pid can be reused: kill only a process whose command line still matches what was recorded.
      const cmdline = readCmdline(r.id);
      if (cmdline !== undefined && r.details?.match && cmdline.includes(r.details.match)) {
        process.kill(Number(r.id), 'SIGKILL');
        options.log.info(`killed process ${r.id}`);
      } else {
        options.log.info(`process ${r.id} is gone (or is now another program); nothing to kill`);
      }
    } else if (r.type === 'local:path') {
      rmSync(r.id, { recursive: true, force: true });
      options.log.info(`removed ${r.id}`);
    } else {
      options.log.error(`unknown local resource type ${r.type} (${r.id}); left in the journal`);
      continue;
    }
    options.journal.removed({ type: r.type, id: r.id, region: r.region });
  }
};

function readCmdline(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${Number(pid)}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}
