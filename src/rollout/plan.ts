import { UsageError } from '../core/errors.js';
import { describeConfiguration, copyName } from './launch-configuration.js';
import { describeVersion } from './launch-template.js';
import type { RolloutClients } from './clients.js';
import { describeTarget, type GroupChange, type GroupInfo, type SwapOptions } from './types.js';

/**
 * The side-effect-free half of a swap: what the group launches now and what it would launch.
 * Nothing is created; a new launch template version has no number until it is applied.
 */
export async function planChange(clients: RolloutClients, group: GroupInfo, imageId: string, swap: SwapOptions, now = new Date()): Promise<GroupChange> {
  const base = { group: group.name, region: group.region, kind: group.source.kind };
  if (group.source.kind === 'launch-configuration') {
    const lc = await describeConfiguration(clients, group.region, group.source.name);
    const current = lc.ImageId ?? '';
    const unchanged = current === imageId;
    return {
      ...base,
      previous: { imageId: current, configuration: group.source.name },
      next: { imageId, configuration: unchanged ? group.source.name : copyName(group.source.name, now) },
      unchanged,
    };
  }
  const { templateId, templateName, version, policy } = group.source;
  const current = await describeVersion(clients, group.region, templateId, version);
  const dflt = version === '$Default' ? current : await describeVersion(clients, group.region, templateId, '$Default');
  const unchanged = current.imageId === imageId;
  const groupVersion = swap.groupVersion === undefined ? version : swap.groupVersion;
  if (!unchanged && groupVersion === '$Default' && !swap.setDefaultVersion) {
    throw new UsageError(
      `Auto Scaling group ${group.name} in ${group.region} launches $Default of ${templateName} and set_default_version is false, so it would never launch ${imageId}: set set_default_version, or group_version to "exact" or "$Latest"`,
    );
  }
  return {
    ...base,
    templateId,
    templateName,
    ...(policy ? { mixedPolicy: policy } : {}),
    previous: { imageId: current.imageId, templateVersion: version, resolvedVersion: current.number, defaultVersion: dflt.number },
    next: unchanged
      ? { imageId, templateVersion: version, resolvedVersion: current.number, defaultVersion: dflt.number }
      : { imageId, templateVersion: /^\d+$/.test(groupVersion) ? 'exact' : groupVersion, defaultVersion: swap.setDefaultVersion ? undefined : dflt.number },
    unchanged,
  };
}

/** One line per change, for dry runs and the log: what would move from where to where. */
export function describeChange(c: GroupChange, swap: SwapOptions): string[] {
  const where = `${c.group} (${c.region})`;
  if (c.unchanged) return [`${where}: already launches ${c.next.imageId}; nothing to change`];
  if (c.reuse) {
    const from = describeTarget(c, c.previous);
    const to = describeTarget(c, c.next);
    const lines = [`${where}: go back from ${from} to ${to}`];
    if (swap.setDefaultVersion) lines.push(`${where}: set version ${c.next.resolvedVersion} as the default of ${c.templateName} (was ${c.previous.defaultVersion})`);
    return lines;
  }
  if (c.kind === 'launch-configuration') {
    return [
      `${where}: create launch configuration ${c.next.configuration} as a copy of ${c.previous.configuration} with ImageId ${c.previous.imageId} -> ${c.next.imageId}`,
      `${where}: point the group at ${c.next.configuration}; delete bake-made copies beyond the ${swap.keepLaunchConfigurations} newest that no group uses`,
    ];
  }
  const lines = [
    `${where}: create launch template ${c.templateName} version ${c.next.resolvedVersion ?? '(next)'} from version ${c.previous.resolvedVersion} with ImageId ${c.previous.imageId} -> ${c.next.imageId}`,
  ];
  if (swap.setDefaultVersion) lines.push(`${where}: set it as the default version of ${c.templateName} (was ${c.previous.defaultVersion})`);
  const ref = c.next.templateVersion === 'exact' ? `version ${c.next.resolvedVersion ?? '(new)'}` : c.next.templateVersion;
  const target = c.kind === 'mixed-instances' ? 'mixed instances policy' : 'group';
  lines.push(c.next.templateVersion === c.previous.templateVersion ? `${where}: ${target} keeps referencing ${ref}` : `${where}: point the ${target} at ${ref} (was ${c.previous.templateVersion})`);
  return lines;
}
