import type { EventBus } from '../core/events.js';
import { UsageError } from '../core/errors.js';
import { commandContext, keyValues, refreshInput, regionOf, resolveRefreshOptions, rollout, type RefreshFlags } from '../rollout/index.js';
import { makeBus } from './output.js';
import { abortOnSignals } from './signals.js';

export interface RolloutFlags extends RefreshFlags {
  ami?: string;
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

/** `bake rollout --ami ami-… --asg NAME`: the amazon-asg swap and refresh for an existing image. */
export async function rolloutCommand(flags: RolloutFlags, io: { bus?: EventBus } = {}): Promise<number> {
  if (!flags.ami || !/^ami-\w+$/.test(flags.ami)) throw new UsageError(`--ami: expected an AMI id like ami-0123456789abcdef0, got ${flags.ami ?? 'nothing'}`);
  const tags = keyValues('--asg-tag', flags.asgTag);
  if (!flags.asg?.length && Object.keys(tags).length === 0) throw new UsageError('name the groups to update with --asg NAME or --asg-tag key=value');
  const groupVersion = flags.groupVersion;
  if (groupVersion !== undefined && !['$Latest', '$Default', 'exact'].includes(groupVersion)) {
    throw new UsageError(`--group-version=${groupVersion}: expected "$Latest", "$Default" or "exact"`);
  }
  const keep = Number(flags.keepLaunchConfigurations ?? 2);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep-launch-configurations=${flags.keepLaunchConfigurations}: must be a whole number of at least 1`);
  const refresh = resolveRefreshOptions(refreshInput(flags), 'refresh options');
  const region = regionOf(flags.region);
  const bus = io.bus ?? makeBus({ machineReadable: flags.machineReadable });
  const { signal, dispose } = abortOnSignals(bus);
  const ctx = commandContext(bus, 'rollout', region, { profile: flags.profile }, signal);
  try {
    const changes = await rollout(ctx, {
      images: { [region]: flags.ami },
      selector: { names: flags.asg ?? [], tags },
      swap: {
        setDefaultVersion: flags.setDefaultVersion ?? true,
        groupVersion: groupVersion as '$Latest' | '$Default' | 'exact' | undefined,
        versionDescription: flags.description ?? `bake rollout: ${flags.ami}`,
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
