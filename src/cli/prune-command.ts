import type { Command } from 'commander';
import type { EventBus } from '../core/events.js';
import { UsageError } from '../core/errors.js';
import { parseDuration } from '../core/wait.js';
import { RolloutClients, keyValues, prune, regionOf, resolveAccess } from '../rollout/index.js';
import { collect } from './argv.js';
import { makeBus } from './output.js';
import { abortOnSignals } from './signals.js';

export interface PruneFlags {
  region?: string[];
  namePrefix?: string;
  tag?: string[];
  keep?: string;
  olderThan?: string;
  dryRun?: boolean;
  profile?: string;
  machineReadable?: boolean;
}

/** `bake prune --name-prefix … | --tag k=v --keep N`: deregister old AMIs and their snapshots, never one still in use. */
export async function pruneCommand(flags: PruneFlags, io: { bus?: EventBus } = {}): Promise<number> {
  if (flags.keep === undefined) throw new UsageError('--keep N is required: how many of the newest matching AMIs to keep in each region');
  if (!/^\d+$/.test(flags.keep)) throw new UsageError(`--keep=${flags.keep}: expected a whole number`);
  const olderThanMs = flags.olderThan === undefined ? undefined : parseDuration(flags.olderThan.replace(/(\d+)d/g, (_, d) => `${Number(d) * 24}h`));
  if (flags.olderThan !== undefined && olderThanMs === undefined) throw new UsageError(`--older-than=${flags.olderThan}: expected a duration like "30d" or "12h"`);
  const regions = (flags.region?.length ? flags.region.flatMap((r) => r.split(',')) : [regionOf(undefined)]).filter(Boolean);
  const bus = io.bus ?? makeBus({ machineReadable: flags.machineReadable });
  const { signal, dispose } = abortOnSignals(bus, { stopping: 'stopping after the deletions under way...' });
  const clients = new RolloutClients(resolveAccess({ profile: flags.profile }, regions[0]), signal);
  try {
    const decisions = await prune(
      clients,
      { regions, namePrefix: flags.namePrefix, tags: keyValues('--tag', flags.tag), keep: Number(flags.keep), olderThanMs, dryRun: flags.dryRun ?? false },
      bus.logger('prune'),
    );
    bus.emit({ build: 'prune', level: 'debug', text: `${decisions.length} AMI(s) considered`, data: { prune: decisions } });
    return 0;
  } finally {
    dispose();
    await clients.destroy();
  }
}

export function addPruneCommand(program: Command, result: { code: number }): void {
  program
    .command('prune')
    .description('Deregister old AMIs and delete their snapshots, keeping the newest and every AMI still in use (says which and why).')
    .option('--name-prefix <prefix>', 'only AMIs whose name starts with this')
    .option('--tag <key=value>', 'only AMIs with this tag (repeatable; all must match)', collect)
    .option('--keep <n>', 'newest matching AMIs kept in each region (at least 1)')
    .option('--older-than <age>', 'only remove AMIs at least this old, e.g. 30d')
    .option('--region <regions>', 'regions to prune, comma-separated or repeated (default: AWS_REGION)', collect)
    .option('--profile <name>', 'profile of the shared AWS config/credentials files')
    .option('--dry-run', 'list what would be removed and why each AMI is kept; remove nothing')
    .option('--machine-readable', 'print one JSON object per event')
    .action(async (flags) => {
      result.code = await pruneCommand(flags);
    });
}
