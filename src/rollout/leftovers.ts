import type * as Asg from '@aws-sdk/client-auto-scaling';
import { awsCode } from '../cloud/aws/index.js';
import { errorText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import type { Journal, OpenResource } from '../core/journal.js';
import { LAUNCH_CONFIGURATION, LT_VERSION } from './apply.js';
import { call, RolloutClients } from './clients.js';
import { deleteConfiguration } from './launch-configuration.js';
import { listVersions } from './launch-template.js';

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

/** Why a version must stay: a group launches it (by number, as $Latest, or as $Default), or it is the default. */
async function versionUser(clients: RolloutClients, region: string, templateId: string, n: number, groups: Asg.AutoScalingGroup[]): Promise<string | undefined> {
  const versions = await listVersions(clients, region, templateId);
  const v = versions.find((x) => x.number === n);
  if (!v) return 'gone';
  if (v.isDefault) return 'it is the default version';
  for (const g of groups) {
    const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    if (spec?.LaunchTemplateId !== templateId) continue;
    if (spec.Version === String(n) || (spec.Version === '$Latest' && versions[0]?.number === n)) return `Auto Scaling group ${g.AutoScalingGroupName} launches it`;
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
              options.log.info(`kept ${label}: ${user}`);
              if (!options.dryRun) options.journal.removed(r);
              continue;
            }
            if (options.dryRun) {
              options.log.info(`would delete ${label}`);
              continue;
            }
            if (user !== 'gone') {
              const ec2 = await import('@aws-sdk/client-ec2');
              await call(await clients.ec2(region), new ec2.DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: [n] }), `delete ${label}`, options.signal);
            }
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
