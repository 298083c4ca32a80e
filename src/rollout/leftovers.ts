import type * as Asg from '@aws-sdk/client-auto-scaling';
import { awsCode } from '../cloud/aws/index.js';
import { errorText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import type { Journal, OpenResource } from '../core/journal.js';
import { LAUNCH_CONFIGURATION, LT_VERSION } from './apply.js';
import { call, RolloutClients } from './clients.js';
import { deleteConfiguration } from './launch-configuration.js';
import { deleteVersion, listVersions } from './launch-template.js';
import { listRefreshes } from './list-refreshes.js';
import { ACTIVE } from './refresh.js';

export interface RolloutLeftoverOptions {
  dryRun: boolean;
  log: Logger;
  signal: AbortSignal;
  journal: Journal;
}

export const ROLLOUT_RESOURCE_TYPES = [LT_VERSION, LAUNCH_CONFIGURATION];

async function groupsOf(clients: RolloutClients, region: string): Promise<Asg.AutoScalingGroup[]> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  const out: Asg.AutoScalingGroup[] = [];
  let token: string | undefined;
  do {
    const page = await call<Asg.DescribeAutoScalingGroupsCommandOutput>(await clients.asg(region), new asg.DescribeAutoScalingGroupsCommand({ NextToken: token }), `list Auto Scaling groups in ${region}`, clients.signal);
    out.push(...(page.AutoScalingGroups ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/**
 * Why a version must stay: a group launches it (by number, as $Latest, or as $Default), it is the
 * default, or an instance refresh still rolls it out (a run stopped while waiting for the refresh:
 * AWS goes on; `refresh` then says the version may still be undone and stays in the journal).
 */
async function versionUser(clients: RolloutClients, region: string, templateId: string, n: number, groups: Asg.AutoScalingGroup[]): Promise<{ why: string; refresh?: boolean } | 'gone' | undefined> {
  const versions = await listVersions(clients, region, templateId);
  const v = versions.find((x) => x.number === n);
  if (!v) return 'gone';
  if (v.isDefault) return { why: 'it is the default version' };
  const spec = (g: { LaunchTemplate?: Asg.LaunchTemplateSpecification; MixedInstancesPolicy?: Asg.MixedInstancesPolicy }) =>
    g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  for (const g of groups) {
    const s = spec(g);
    if (s?.LaunchTemplateId !== templateId) continue;
    if (s.Version === String(n) || (s.Version === '$Latest' && versions[0]?.number === n)) return { why: `Auto Scaling group ${g.AutoScalingGroupName} launches it` };
  }
  for (const g of groups.filter((x) => spec(x)?.LaunchTemplateId === templateId)) {
    const running = (await listRefreshes(clients, region, g.AutoScalingGroupName!)).find(
      (r) => ACTIVE.has(r.Status ?? '') && spec(r.DesiredConfiguration ?? {})?.LaunchTemplateId === templateId && spec(r.DesiredConfiguration ?? {})?.Version === String(n),
    );
    if (running) {
      return {
        why: `instance refresh ${running.InstanceRefreshId} of Auto Scaling group ${g.AutoScalingGroupName} rolls it out (${running.Status}); run \`bake cleanup\` again after it ends`,
        refresh: true,
      };
    }
  }
  return undefined;
}

/**
 * Removes launch template versions and launch configurations that a killed rollout created and
 * never committed, unless something launches them now (the run may have got that far): those are
 * kept, said why, and struck from the journal as they belong to the group now.
 */
export async function cleanupRolloutLeftovers(resources: OpenResource[], options: RolloutLeftoverOptions): Promise<number> {
  let failed = 0;
  const byRegion = new Map<string, OpenResource[]>();
  for (const r of resources.filter((x) => ROLLOUT_RESOURCE_TYPES.includes(x.type) && x.region)) byRegion.set(r.region!, [...(byRegion.get(r.region!) ?? []), r]);
  for (const [region, list] of byRegion) {
    const clients = new RolloutClients({ region }, options.signal);
    try {
      const groups = await groupsOf(clients, region);
      for (const r of list) {
        const label = r.type === LT_VERSION ? `launch template ${r.id.split(':')[0]} version ${r.id.split(':')[1]} in ${region}` : `launch configuration ${r.id} in ${region}`;
        try {
          if (r.type === LT_VERSION) {
            const [templateId, n] = r.id.split(':');
            const user = await versionUser(clients, region, templateId, Number(n), groups);
            if (user && user !== 'gone') {
              options.log.info(`kept ${label}: ${user.why}`);
              // A version a running refresh rolls out is not the group's yet: the journal keeps it.
              if (!options.dryRun && !user.refresh) options.journal.removed(r);
              continue;
            }
            if (options.dryRun) {
              options.log.info(`would delete ${label}`);
              continue;
            }
            if (user !== 'gone') await deleteVersion(clients, region, templateId, Number(n), `delete ${label}`, options.signal);
          } else {
            if (groups.some((g) => g.LaunchConfigurationName === r.id)) {
              options.log.info(`kept ${label}: Auto Scaling group ${groups.find((g) => g.LaunchConfigurationName === r.id)!.AutoScalingGroupName} launches it`);
              if (!options.dryRun) options.journal.removed(r);
              continue;
            }
            if (options.dryRun) {
              options.log.info(`would delete ${label}`);
              continue;
            }
            await deleteConfiguration(clients, region, r.id, options.signal).catch((err) => {
              if (!/not found/i.test(errorText(err))) throw err;
            });
          }
          options.journal.removed(r);
          options.log.info(`deleted ${label}`);
        } catch (err) {
          failed++;
          options.log.error(`${label}: ${awsCode((err as { cause?: unknown }).cause) === 'ResourceInUse' ? 'still in use by instances; run `bake cleanup` again once they are replaced' : errorText(err)}`);
        }
      }
    } finally {
      await clients.destroy();
    }
  }
  return failed;
}
