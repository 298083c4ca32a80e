import type { AutoScalingGroup, DescribeAutoScalingGroupsCommandOutput } from '@aws-sdk/client-auto-scaling';
import { BakeError } from '../core/errors.js';
import { call, type RolloutClients } from './clients.js';
import { listRefreshes } from './list-refreshes.js';
import type { GroupInfo, GroupSource } from './types.js';

const ACTIVE = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking']);

export interface GroupSelector {
  names?: string[];
  tags?: Record<string, string>;
}

function sourceOf(g: AutoScalingGroup, region: string): GroupSource {
  const lt = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (lt) {
    return {
      kind: g.LaunchTemplate ? 'launch-template' : 'mixed-instances',
      templateId: lt.LaunchTemplateId ?? '',
      templateName: lt.LaunchTemplateName ?? lt.LaunchTemplateId ?? '',
      version: lt.Version ?? '$Default',
      ...(g.MixedInstancesPolicy ? { policy: g.MixedInstancesPolicy } : {}),
    };
  }
  if (g.LaunchConfigurationName) return { kind: 'launch-configuration', name: g.LaunchConfigurationName };
  throw new BakeError(`Auto Scaling group ${g.AutoScalingGroupName} in ${region} has neither a launch template nor a launch configuration; bake cannot swap its image`);
}

async function describe(clients: RolloutClients, region: string, input: object): Promise<AutoScalingGroup[]> {
  const { DescribeAutoScalingGroupsCommand } = await import('@aws-sdk/client-auto-scaling');
  const client = await clients.asg(region);
  const groups: AutoScalingGroup[] = [];
  let token: string | undefined;
  do {
    const out = await call<DescribeAutoScalingGroupsCommandOutput>(
      client,
      new DescribeAutoScalingGroupsCommand({ ...input, NextToken: token }),
      `describe Auto Scaling groups in ${region}`,
      clients.signal,
    );
    groups.push(...(out.AutoScalingGroups ?? []));
    token = out.NextToken;
  } while (token);
  return groups;
}

async function activeRefresh(clients: RolloutClients, region: string, name: string): Promise<GroupInfo['activeRefresh']> {
  const r = (await listRefreshes(clients, region, name)).find((x) => ACTIVE.has(x.Status ?? ''));
  return r ? { id: r.InstanceRefreshId ?? '', status: r.Status ?? '' } : undefined;
}

/** The groups a selector names in one region. Names not found are returned in `missing`. */
export async function findGroups(clients: RolloutClients, region: string, selector: GroupSelector): Promise<{ groups: GroupInfo[]; missing: string[] }> {
  const found: AutoScalingGroup[] = [];
  if (selector.names?.length) found.push(...(await describe(clients, region, { AutoScalingGroupNames: selector.names })));
  const tags = Object.entries(selector.tags ?? {});
  if (tags.length) {
    const filters = tags.map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
    for (const g of await describe(clients, region, { Filters: filters })) {
      if (!found.some((f) => f.AutoScalingGroupName === g.AutoScalingGroupName)) found.push(g);
    }
  }
  const groups: GroupInfo[] = [];
  for (const g of found) {
    const name = g.AutoScalingGroupName ?? '';
    groups.push({ name, region, source: sourceOf(g, region), desiredCapacity: g.DesiredCapacity ?? 0, activeRefresh: await activeRefresh(clients, region, name) });
  }
  const missing = (selector.names ?? []).filter((n) => !found.some((g) => g.AutoScalingGroupName === n));
  return { groups, missing };
}
