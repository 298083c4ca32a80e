import type { Command } from 'commander';
import type { EventBus } from '../core/events.js';
import { UsageError } from '../core/errors.js';
import { commandContext, keyValues, refreshInput, regionOf, resolveRefreshOptions, rollout, type RefreshFlags } from '../rollout/index.js';
import { collect } from './argv.js';
import { makeBus } from './output.js';
import { abortOnSignals, ROLLOUT_UNDO } from './signals.js';

export interface RolloutFlags extends RefreshFlags {
  /** "ami-…" (in --region) or "region=ami-…", repeatable for an AMI copied to several regions. */
  ami?: string | string[];
  asg?: string[];
  asgTag?: string[];
  region?: string;
  profile?: string;
  dryRun?: boolean;
  setDefaultVersion?: boolean;
  groupVersion?: string;
  description?: string;
  keepLaunchConfigurations?: string;
  machineReadable?: boolean;
}

/** { region: AMI } from --ami values: "ami-…" belongs to --region, "eu-west-1=ami-…" names its own. */
function imagesOf(values: string | string[] | undefined, regionFlag: string | undefined): Record<string, string> {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  if (list.length === 0) throw new UsageError('--ami: expected an AMI id like ami-0123456789abcdef0, got nothing');
  const images: Record<string, string> = {};
  for (const value of list) {
    const m = /^(?:([a-z0-9-]+)=)?(ami-\w+)$/.exec(value);
    if (!m) throw new UsageError(`--ami ${value}: expected an AMI id like ami-0123456789abcdef0, or region=ami-…`);
    images[m[1] ?? regionOf(regionFlag)] = m[2];
  }
  return images;
}

/** `bake rollout --ami ami-… --asg NAME`: the amazon-asg swap and refresh for an existing image. */
export async function rolloutCommand(flags: RolloutFlags, io: { bus?: EventBus } = {}): Promise<number> {
  const tags = keyValues('--asg-tag', flags.asgTag);
  if (!flags.asg?.length && Object.keys(tags).length === 0) throw new UsageError('name the groups to update with --asg NAME or --asg-tag key=value');
  const groupVersion = flags.groupVersion;
  if (groupVersion !== undefined && !['$Latest', '$Default', 'exact'].includes(groupVersion)) {
    throw new UsageError(`--group-version=${groupVersion}: expected "$Latest", "$Default" or "exact"`);
  }
  const keep = Number(flags.keepLaunchConfigurations ?? 2);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep-launch-configurations=${flags.keepLaunchConfigurations}: must be a whole number of at least 1`);
  const refresh = resolveRefreshOptions(refreshInput(flags), 'refresh options');
  const images = imagesOf(flags.ami, flags.region);
  const region = Object.keys(images)[0];
  const bus = io.bus ?? makeBus({ machineReadable: flags.machineReadable });
  const { signal, dispose } = abortOnSignals(bus, { undo: ROLLOUT_UNDO, stopping: 'stopping the rollout...' });
  const ctx = commandContext(bus, 'rollout', region, { profile: flags.profile }, signal);
  try {
    const changes = await rollout(ctx, {
      images,
      selector: { names: flags.asg ?? [], tags },
      swap: {
        setDefaultVersion: flags.setDefaultVersion ?? true,
        groupVersion: groupVersion as '$Latest' | '$Default' | 'exact' | undefined,
        versionDescription: flags.description ?? `bake rollout: ${Object.values(images).join(', ')}`,
        keepLaunchConfigurations: keep,
      },
      refresh,
      dryRun: flags.dryRun ?? false,
    });
    bus.emit({ build: 'rollout', level: 'say', text: `${flags.dryRun ? 'Dry run done' : 'Rollout done'}: ${changes.length} group(s)`, data: { rollout: changes } });
    return 0;
  } finally {
    dispose();
    await ctx.clients.destroy();
  }
}

/** The instance refresh flags of rollout and rollback. */
export function addRefreshOptions(cmd: Command): Command {
  return cmd
    .option('--no-refresh', 'only point the group at the image; start no instance refresh')
    .option('--min-healthy <percent>', 'MinHealthyPercentage of the refresh (0-100)')
    .option('--max-healthy <percent>', 'MaxHealthyPercentage of the refresh (100-200)')
    .option('--instance-warmup <duration>', 'instance warmup, e.g. 2m')
    .option('--checkpoints <list>', 'checkpoint percentages, e.g. 20,50,100')
    .option('--checkpoint-delay <duration>', 'pause at each checkpoint, e.g. 10m')
    .option('--no-skip-matching', 'also replace instances that already run the target')
    .option('--no-auto-rollback', 'do not let AWS roll back a failed refresh (bake still restores the group)')
    .option('--alarm <name>', 'CloudWatch alarm that fails the refresh (repeatable)', collect)
    .option('--no-wait', 'return once the refresh started')
    .option('--timeout <duration>', 'how long to wait for the refresh before rolling back (default 60m)')
    .option('--poll-interval <duration>', 'longest delay between progress checks (default 15s)')
    .option('--replace-running', 'cancel a refresh already running on the group instead of failing')
    .option('--region <region>', 'region of the group (default: AWS_REGION)')
    .option('--profile <name>', 'profile of the shared AWS config/credentials files')
    .option('--dry-run', 'print what would change; change nothing')
    .option('--machine-readable', 'print one JSON object per event');
}

export function addRolloutCommand(program: Command, result: { code: number }): void {
  addRefreshOptions(
    program
      .command('rollout')
      .description('Swap an existing AMI into Auto Scaling groups and refresh their instances (the amazon-asg post-processor without a build).')
      .requiredOption('--ami <id>', 'the AMI to roll out: ami-… (in --region), or region=ami-… (repeatable: the groups of that name in each region)', collect)
      .option('--asg <name>', 'Auto Scaling group to update (repeatable)', collect)
      .option('--asg-tag <key=value>', 'update every group with this tag (repeatable; all must match)', collect)
      .option('--set-default-version <bool>', 'make the new launch template version the default (default true)')
      .option('--group-version <ref>', 'what the group references afterwards: $Latest, $Default or exact')
      .option('--description <text>', 'description of the new launch template version')
      .option('--keep-launch-configurations <n>', 'bake-made launch configuration copies kept per family (default 2)'),
  ).action(async (flags) => {
    const setDefault = flags.setDefaultVersion === undefined ? undefined : !/^(false|0|no)$/i.test(String(flags.setDefaultVersion));
    result.code = await rolloutCommand({ ...flags, setDefaultVersion: setDefault });
  });
}
