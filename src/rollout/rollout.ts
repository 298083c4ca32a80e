import { BakeError, UsageError } from '../core/errors.js';
import { samePackagesAsRunning } from './same-packages.js';
import { checkImage } from './check-image.js';
import { findGroups, type GroupSelector } from './groups.js';
import { describeChange, planChange } from './plan.js';
import { pruneConfigurations } from './prune-configurations.js';
import type { RefreshOptions } from './refresh-options.js';
import { cancelRefresh, waitRefresh } from './refresh.js';
import { swapGroup, type SwapContext } from './swap-group.js';
import type { GroupChange, GroupInfo, SwapOptions } from './types.js';

export interface RolloutRequest {
  /** The image to roll out, per region: { "us-east-1": "ami-…" }. Groups are looked up in these regions. */
  images: Record<string, string>;
  selector: GroupSelector;
  swap: SwapOptions;
  refresh: RefreshOptions;
  dryRun: boolean;
  /** Runs after every check and plan, before the first change (not in a dry run): the smoke test. */
  beforeChanges?: () => Promise<void>;
  /** skip_if_unchanged_packages: the new AMI's package-list digest; no group changes when each runs an AMI tagged with the same. */
  skipIfPackages?: string;
}

function describeSelector(s: GroupSelector): string {
  const parts = [...(s.names ?? []), ...Object.entries(s.tags ?? {}).map(([k, v]) => `tag ${k}=${v}`)];
  return parts.join(', ');
}

/** Every group the selector names, in the regions of the image; fails if a named group exists nowhere. */
async function resolveGroups(ctx: SwapContext, req: RolloutRequest): Promise<GroupInfo[]> {
  const regions = Object.keys(req.images);
  const groups: GroupInfo[] = [];
  const missingEverywhere = new Set(req.selector.names ?? []);
  for (const region of regions) {
    const found = await findGroups(ctx.clients, region, req.selector);
    groups.push(...found.groups);
    for (const g of found.groups) missingEverywhere.delete(g.name);
  }
  if (missingEverywhere.size > 0) {
    throw new BakeError(`Auto Scaling group ${[...missingEverywhere].join(', ')} not found in ${regions.join(', ')} (the regions of ${Object.values(req.images).join(', ')})`);
  }
  if (groups.length === 0) throw new BakeError(`no Auto Scaling group matches ${describeSelector(req.selector)} in ${regions.join(', ')}`);
  return groups;
}

/**
 * Swaps the image into every selected group, then refreshes each in turn. Everything is checked
 * and planned before the first change, so bad input changes nothing. Returns each group's
 * previous and new state (for the artifact and for rollback).
 */
export async function rollout(ctx: SwapContext, req: RolloutRequest): Promise<GroupChange[]> {
  if (Object.keys(req.images).length === 0) throw new UsageError('amazon-asg: the artifact has no AMI to roll out (is the builder amazon-ebs?)');
  const groups = await resolveGroups(ctx, req);
  for (const g of groups) {
    if (g.activeRefresh && !req.refresh.replaceRunning) {
      throw new BakeError(
        `Auto Scaling group ${g.name} in ${g.region} is already being refreshed (${g.activeRefresh.id}, ${g.activeRefresh.status}); wait for it to end, cancel it, or set instance_refresh.replace_running (--replace-running) to cancel it and start ours`,
      );
    }
  }
  for (const region of new Set(groups.map((g) => g.region))) await checkImage(ctx.clients, region, req.images[region]);
  const changes: GroupChange[] = [];
  for (const g of groups) changes.push(await planChange(ctx.clients, g, req.images[g.region], req.swap));
  for (const c of changes) for (const line of describeChange(c, req.swap)) ctx.log.info(req.dryRun ? `dry run: ${line}` : line);
  if (req.skipIfPackages && changes.some((c) => !c.unchanged)) {
    const why = await samePackagesAsRunning(ctx.clients, changes, req.skipIfPackages);
    if (why) {
      ctx.log.say(`skip_if_unchanged_packages: ${why}; ${req.dryRun ? 'would change' : 'changed'} no group`);
      return changes.map((c) => ({ ...c, next: c.previous, unchanged: true }));
    }
  }
  if (req.dryRun) {
    ctx.log.say(`Dry run: ${changes.filter((c) => !c.unchanged).length} group(s) would change; nothing was changed`);
    return changes;
  }
  if (changes.some((c) => !c.unchanged)) await req.beforeChanges?.();
  const done: string[] = [];
  for (const [i, c] of changes.entries()) {
    if (c.unchanged) continue;
    const g = groups[i];
    if (g.activeRefresh) {
      ctx.log.warn(`${g.name}: cancelling running instance refresh ${g.activeRefresh.id} (replace_running)`);
      await cancelRefresh(ctx.clients, g.region, g.name, ctx.clients.signal);
      await waitRefresh(ctx.clients, { group: g.name, region: g.region }, g.activeRefresh.id, req.refresh, ctx.log);
    }
    ctx.log.say(`Rolling ${c.next.imageId} out to Auto Scaling group ${c.group} (${c.region})`);
    try {
      await swapGroup(ctx, c, req.swap, req.refresh);
    } catch (err) {
      if (done.length === 0) throw err;
      throw new BakeError(`${(err as Error).message} (already rolled out: ${done.join(', ')})`, { cause: err });
    }
    done.push(c.group);
    if (c.kind === 'launch-configuration') await pruneConfigurations(ctx, c.region, c.next.configuration!, req.swap.keepLaunchConfigurations);
  }
  return changes;
}
