import type { Command } from 'commander';
import type { EventBus } from '../core/events.js';
import { UsageError } from '../core/errors.js';
import { commandContext, refreshInput, regionOf, resolveRefreshOptions, rollback, type RefreshFlags } from '../rollout/index.js';
import { makeBus } from './output.js';
import { addRefreshOptions } from './rollout-command.js';
import { abortOnSignals, ROLLOUT_UNDO } from './signals.js';

export interface RollbackFlags extends RefreshFlags {
  asg?: string;
  region?: string;
  profile?: string;
  toVersion?: string;
  toConfiguration?: string;
  manifest?: string;
  dryRun?: boolean;
  machineReadable?: boolean;
}

/** `bake rollback --asg NAME`: back to the previous image (manifest record, or the version history), then refresh. */
export async function rollbackCommand(flags: RollbackFlags, io: { bus?: EventBus } = {}): Promise<number> {
  if (!flags.asg) throw new UsageError('--asg NAME is required: the Auto Scaling group to roll back');
  const chosen = [flags.toVersion, flags.toConfiguration, flags.manifest].filter((v) => v !== undefined);
  if (chosen.length > 1) throw new UsageError('give at most one of --to-version, --to-configuration and --manifest');
  if (flags.toVersion !== undefined && !/^\d+$/.test(flags.toVersion)) throw new UsageError(`--to-version=${flags.toVersion}: expected a launch template version number`);
  const refresh = resolveRefreshOptions(refreshInput(flags), 'refresh options');
  const region = regionOf(flags.region);
  const bus = io.bus ?? makeBus({ machineReadable: flags.machineReadable });
  const { signal, dispose } = abortOnSignals(bus, { undo: ROLLOUT_UNDO, stopping: 'stopping the rollback...' });
  const ctx = commandContext(bus, 'rollback', region, { profile: flags.profile }, signal);
  try {
    const change = await rollback(ctx, {
      group: flags.asg,
      region,
      toVersion: flags.toVersion === undefined ? undefined : Number(flags.toVersion),
      toConfiguration: flags.toConfiguration,
      manifest: flags.manifest,
      refresh,
      dryRun: flags.dryRun ?? false,
    });
    bus.emit({ build: 'rollback', level: 'say', text: `${flags.dryRun ? 'Dry run done' : 'Rollback done'}: ${change.group} launches ${change.next.imageId}`, data: { rollback: change } });
    return 0;
  } finally {
    dispose();
    await ctx.clients.destroy();
  }
}

export function addRollbackCommand(program: Command, result: { code: number }): void {
  addRefreshOptions(
    program
      .command('rollback')
      .description('Point an Auto Scaling group back at its previous image (launch template version or configuration) and refresh.')
      .requiredOption('--asg <name>', 'the Auto Scaling group')
      .option('--to-version <n>', 'launch template version to go back to (default: the newest older one with another AMI)')
      .option('--to-configuration <name>', 'launch configuration to go back to')
      .option('--manifest <file>', 'go back to the state recorded by amazon-asg in this manifest'),
  ).action(async (flags) => {
    result.code = await rollbackCommand(flags);
  });
}
