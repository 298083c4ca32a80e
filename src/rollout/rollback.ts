import { readFileSync } from 'node:fs';
import { BakeError, UsageError } from '../core/errors.js';
import { findGroups } from './groups.js';
import { describeConfigurations, familyOf } from './launch-configuration.js';
import { describeVersion, listVersions } from './launch-template.js';
import type { RefreshOptions } from './refresh-options.js';
import { swapGroup, type SwapContext } from './swap-group.js';
import { describeChange } from './plan.js';
import type { GroupChange, GroupInfo, SwapOptions } from './types.js';

export interface RollbackRequest {
  group: string;
  region: string;
  /** Launch template groups: go back to this version number. */
  toVersion?: number;
  /** Launch configuration groups: go back to this configuration. */
  toConfiguration?: string;
  /** A manifest (or any JSON) holding amazon-asg's rollout records: go back to the recorded previous state. */
  manifest?: string;
  refresh: RefreshOptions;
  dryRun: boolean;
}

interface Target {
  version?: number;
  configuration?: string;
}

/** The newest amazon-asg record of this group anywhere in a JSON document (manifests nest them differently). */
function recordedTarget(path: string, group: string, region: string): Target {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--manifest ${path}: cannot read it as JSON: ${(err as Error).message}`);
  }
  let found: GroupChange | undefined;
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const r = v as Partial<GroupChange>;
      // Later records are newer (record files append): the last match wins.
      if (r.group === group && r.region === region && r.previous && r.next && !r.unchanged) found = r as GroupChange;
      else Object.values(v).forEach(visit);
    }
  };
  visit(doc);
  if (!found) throw new UsageError(`--manifest ${path}: no amazon-asg record of group ${group} in ${region}`);
  return found.kind === 'launch-configuration' ? { configuration: found.previous.configuration } : { version: found.previous.resolvedVersion };
}

async function templateTarget(ctx: SwapContext, g: GroupInfo, source: Extract<GroupInfo['source'], { templateId: string }>, target: Target): Promise<GroupChange> {
  const current = await describeVersion(ctx.clients, g.region, source.templateId, source.version);
  const dflt = await describeVersion(ctx.clients, g.region, source.templateId, '$Default');
  const versions = await listVersions(ctx.clients, g.region, source.templateId);
  const to = target.version !== undefined ? versions.find((v) => v.number === target.version) : versions.find((v) => v.number < current.number && v.imageId !== current.imageId);
  if (!to) {
    throw new BakeError(
      target.version !== undefined
        ? `launch template ${source.templateName} in ${g.region} has no version ${target.version}`
        : `Auto Scaling group ${g.name} in ${g.region}: no version of ${source.templateName} older than ${current.number} launches another AMI than ${current.imageId}; nothing to roll back to (use --to-version)`,
    );
  }
  // "$Latest" cannot be made to mean an older version: such a group is pinned to the number.
  const templateVersion = source.version === '$Default' ? '$Default' : 'exact';
  return {
    group: g.name,
    region: g.region,
    kind: source.kind,
    templateId: source.templateId,
    templateName: source.templateName,
    ...(source.policy ? { mixedPolicy: source.policy } : {}),
    previous: { imageId: current.imageId, templateVersion: source.version, resolvedVersion: current.number, defaultVersion: dflt.number },
    next: { imageId: to.imageId, templateVersion, resolvedVersion: to.number, defaultVersion: dflt.number === current.number ? to.number : dflt.number },
    unchanged: to.number === current.number,
    reuse: true,
  };
}

async function configurationTarget(ctx: SwapContext, g: GroupInfo, name: string, target: Target): Promise<GroupChange> {
  const family = familyOf(name);
  const all = (await describeConfigurations(ctx.clients, g.region)).filter((lc) => familyOf(lc.LaunchConfigurationName ?? '') === family);
  const current = all.find((lc) => lc.LaunchConfigurationName === name);
  const older = all
    .filter((lc) => (lc.CreatedTime?.getTime() ?? 0) < (current?.CreatedTime?.getTime() ?? Infinity) && lc.ImageId !== current?.ImageId)
    .sort((a, b) => (b.CreatedTime?.getTime() ?? 0) - (a.CreatedTime?.getTime() ?? 0));
  const to = target.configuration ? all.find((lc) => lc.LaunchConfigurationName === target.configuration) : older[0];
  if (!to) {
    throw new BakeError(
      target.configuration
        ? `launch configuration ${target.configuration} not found in ${g.region}`
        : `Auto Scaling group ${g.name} in ${g.region}: no launch configuration of the ${family} family older than ${name} launches another AMI; nothing to roll back to (use --to-configuration)`,
    );
  }
  return {
    group: g.name,
    region: g.region,
    kind: 'launch-configuration',
    previous: { imageId: current?.ImageId ?? '', configuration: name },
    next: { imageId: to.ImageId ?? '', configuration: to.LaunchConfigurationName },
    unchanged: to.LaunchConfigurationName === name,
    reuse: true,
  };
}

/**
 * Points a group back at an earlier launch template version or launch configuration (the newest
 * one with another AMI, or the one named) and refreshes, with the same safety as a rollout.
 */
export async function rollback(ctx: SwapContext, req: RollbackRequest): Promise<GroupChange> {
  const { groups, missing } = await findGroups(ctx.clients, req.region, { names: [req.group] });
  if (missing.length) throw new BakeError(`Auto Scaling group ${req.group} not found in ${req.region}`);
  const g = groups[0];
  if (g.activeRefresh && !req.refresh.replaceRunning) {
    throw new BakeError(`Auto Scaling group ${g.name} in ${g.region} is already being refreshed (${g.activeRefresh.id}, ${g.activeRefresh.status}); wait for it to end, cancel it, or pass --replace-running`);
  }
  const target = req.manifest ? recordedTarget(req.manifest, g.name, g.region) : { version: req.toVersion, configuration: req.toConfiguration };
  const c = g.source.kind === 'launch-configuration' ? await configurationTarget(ctx, g, g.source.name, target) : await templateTarget(ctx, g, g.source, target);
  const swap: SwapOptions = { setDefaultVersion: c.next.defaultVersion !== c.previous.defaultVersion, versionDescription: '', keepLaunchConfigurations: 0 };
  if (c.unchanged) {
    ctx.log.say(`${g.name}: already launches ${c.next.imageId}; nothing to roll back`);
    return c;
  }
  for (const line of describeChange(c, swap)) ctx.log.info(req.dryRun ? `dry run: ${line}` : line);
  if (req.dryRun) return c;
  ctx.log.say(`Rolling Auto Scaling group ${g.name} (${g.region}) back to ${c.next.imageId}`);
  await swapGroup(ctx, c, swap, req.refresh);
  return c;
}
