import type * as Asg from '@aws-sdk/client-auto-scaling';
import { callAll, type RolloutClients } from './clients.js';

/**
 * Every instance refresh of a group (AWS keeps six weeks of them), following NextToken. AWS lists
 * them newest first, so the active one is normally on the first page; emulators do not all keep
 * that order, and reading every page costs one call per 100 refreshes.
 */
export async function listRefreshes(clients: RolloutClients, region: string, group: string): Promise<Asg.InstanceRefresh[]> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  return callAll<Asg.DescribeInstanceRefreshesCommandOutput, Asg.InstanceRefresh>(
    await clients.asg(region),
    (NextToken) => new asg.DescribeInstanceRefreshesCommand({ AutoScalingGroupName: group, MaxRecords: 100, NextToken }),
    (page) => page.InstanceRefreshes,
    `list instance refreshes of ${group} in ${region}`,
    clients.signal,
  );
}
