import { awsCode } from '../cloud/aws/index.js';
import { errorText } from '../core/errors.js';
import type { ApplyContext } from './apply.js';
import { LAUNCH_CONFIGURATION } from './apply.js';
import { deleteConfiguration, describeConfigurations, familyOf, isBakeCopy } from './launch-configuration.js';

/**
 * Deletes bake-made copies of one launch configuration family beyond the `keep` newest. Only
 * copies bake named are considered; AWS refuses to delete one a group or instance still uses,
 * and that copy is kept with a note.
 */
export async function pruneConfigurations(ctx: ApplyContext, region: string, current: string, keep: number): Promise<string[]> {
  const family = familyOf(current);
  const copies = (await describeConfigurations(ctx.clients, region))
    .filter((lc) => isBakeCopy(lc.LaunchConfigurationName ?? '') && familyOf(lc.LaunchConfigurationName ?? '') === family && lc.LaunchConfigurationName !== current)
    .sort((a, b) => (b.CreatedTime?.getTime() ?? 0) - (a.CreatedTime?.getTime() ?? 0));
  const deleted: string[] = [];
  // The current copy counts towards `keep`.
  for (const lc of copies.slice(Math.max(keep - 1, 0))) {
    const name = lc.LaunchConfigurationName!;
    try {
      await deleteConfiguration(ctx.clients, region, name);
      ctx.journal?.removed({ type: LAUNCH_CONFIGURATION, id: name, region });
      deleted.push(name);
      ctx.log.info(`deleted old launch configuration ${name}`);
    } catch (err) {
      const code = awsCode((err as { cause?: unknown }).cause);
      ctx.log.info(`kept launch configuration ${name}: ${code === 'ResourceInUse' ? 'still in use' : errorText(err)}`);
    }
  }
  return deleted;
}
