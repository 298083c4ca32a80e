import type * as Asg from '@aws-sdk/client-auto-scaling';
import type * as Ec2 from '@aws-sdk/client-ec2';
import { call, type RolloutClients } from './clients.js';
import { describeConfigurations } from './launch-configuration.js';
import { listVersions } from './launch-template.js';

/** AMI id → what uses it ("launch template web-lt version 3", "instance i-0abc"), in one region. */
export type ImageUsers = Map<string, string[]>;

function add(users: ImageUsers, imageId: string | undefined, who: string): void {
  if (!imageId) return;
  const list = users.get(imageId) ?? [];
  if (!list.includes(who)) list.push(who);
  users.set(imageId, list);
}

async function launchTemplates(clients: RolloutClients, region: string, users: ImageUsers): Promise<Map<string, { name: string; versions: Map<string, string> }>> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const client = await clients.ec2(region);
  const templates = new Map<string, { name: string; versions: Map<string, string> }>();
  let token: string | undefined;
  do {
    const out = await call<Ec2.DescribeLaunchTemplatesCommandOutput>(client, new ec2.DescribeLaunchTemplatesCommand({ NextToken: token }), `list launch templates in ${region}`, clients.signal);
    for (const t of out.LaunchTemplates ?? []) {
      const versions = new Map<string, string>();
      const all = await listVersions(clients, region, t.LaunchTemplateId!);
      for (const v of all) {
        add(users, v.imageId, `launch template ${t.LaunchTemplateName} version ${v.number}`);
        versions.set(String(v.number), v.imageId);
        if (v.isDefault) versions.set('$Default', v.imageId);
      }
      if (all[0]) versions.set('$Latest', all[0].imageId);
      templates.set(t.LaunchTemplateId!, { name: t.LaunchTemplateName ?? '', versions });
    }
    token = out.NextToken;
  } while (token);
  return templates;
}

/**
 * Everything that still launches or runs an AMI in a region: every launch template version, every
 * launch configuration, every Auto Scaling group (through what it launches) and every instance
 * that is not terminated. Prune keeps an AMI any of these names.
 */
export async function imagesInUse(clients: RolloutClients, region: string): Promise<ImageUsers> {
  const users: ImageUsers = new Map();
  const templates = await launchTemplates(clients, region, users);
  const configs = new Map<string, string>();
  for (const lc of await describeConfigurations(clients, region)) {
    add(users, lc.ImageId, `launch configuration ${lc.LaunchConfigurationName}`);
    configs.set(lc.LaunchConfigurationName ?? '', lc.ImageId ?? '');
  }
  const asg = await import('@aws-sdk/client-auto-scaling');
  let token: string | undefined;
  do {
    const out = await call<Asg.DescribeAutoScalingGroupsCommandOutput>(
      await clients.asg(region),
      new asg.DescribeAutoScalingGroupsCommand({ NextToken: token }),
      `list Auto Scaling groups in ${region}`,
      clients.signal,
    );
    for (const g of out.AutoScalingGroups ?? []) {
      const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
      const image = spec ? templates.get(spec.LaunchTemplateId ?? '')?.versions.get(spec.Version ?? '$Default') : configs.get(g.LaunchConfigurationName ?? '');
      add(users, image, `Auto Scaling group ${g.AutoScalingGroupName}`);
    }
    token = out.NextToken;
  } while (token);
  const ec2 = await import('@aws-sdk/client-ec2');
  token = undefined;
  do {
    const out: Ec2.DescribeInstancesCommandOutput = await call<Ec2.DescribeInstancesCommandOutput>(
      await clients.ec2(region),
      new ec2.DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] }], NextToken: token }),
      `list instances in ${region}`,
      clients.signal,
    );
    for (const i of (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])) add(users, i.ImageId, `instance ${i.InstanceId}`);
    token = out.NextToken;
  } while (token);
  return users;
}
