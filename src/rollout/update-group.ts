import type { LaunchTemplateSpecification, MixedInstancesPolicy } from '@aws-sdk/client-auto-scaling';
import type { RolloutClients } from './clients.js';
import { call } from './clients.js';
import type { GroupChange } from './types.js';

/** Points a group at a launch template version ("$Latest", "$Default", "7") or a launch configuration. */
export async function pointGroup(clients: RolloutClients, c: GroupChange, target: { version?: string; configuration?: string }, signal = clients.signal): Promise<void> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  const spec = { LaunchTemplateId: c.templateId, Version: target.version };
  const input =
    c.kind === 'launch-configuration'
      ? { LaunchConfigurationName: target.configuration }
      : c.kind === 'mixed-instances'
        ? { MixedInstancesPolicy: withSpec(c, spec) }
        : { LaunchTemplate: spec };
  const what = target.configuration ? `launch configuration ${target.configuration}` : `launch template ${c.templateName} version ${target.version}`;
  await call(
    await clients.asg(c.region),
    new asg.UpdateAutoScalingGroupCommand({ AutoScalingGroupName: c.group, ...input }),
    `point Auto Scaling group ${c.group} in ${c.region} at ${what}`,
    signal,
  );
}

/** The group's mixed instances policy, whole (overrides, instances distribution), pointing at `spec`. */
export function withSpec(c: GroupChange, spec: LaunchTemplateSpecification): MixedInstancesPolicy {
  const policy = c.mixedPolicy ?? {};
  return { ...policy, LaunchTemplate: { ...policy.LaunchTemplate, LaunchTemplateSpecification: spec } };
}

/** The version reference a group should end with: the alias it uses, or the number bake made. */
export function groupReference(c: GroupChange, side: 'previous' | 'next'): string {
  const s = c[side];
  return s.templateVersion === 'exact' || s.templateVersion === undefined ? String(s.resolvedVersion) : s.templateVersion;
}
