import * as Asg from '@aws-sdk/client-auto-scaling';
import type { AwsStub } from 'aws-sdk-client-mock';
import { FakeAwsError, type FakeAws, type FakeGroup, type FakeRefresh, type RegionState, type TemplateRef } from './state.js';

type Stub = AwsStub<any, any, any>;
type Handler = (world: FakeAws, r: RegionState, region: string, input: any) => object;

const ACTIVE = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress']);

function group(r: RegionState, name: string): FakeGroup {
  const g = r.groups.get(name);
  if (!g) throw new FakeAwsError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
  return g;
}

function spec(world: FakeAws, region: string, ref: TemplateRef) {
  const t = world.region(region).templates.get(ref.templateId)!;
  return { LaunchTemplateId: t.id, LaunchTemplateName: t.name, Version: ref.version };
}

function describeGroup(world: FakeAws, region: string, g: FakeGroup): Asg.AutoScalingGroup {
  const r = world.region(region);
  return {
    AutoScalingGroupName: g.name,
    ...(g.template ? { LaunchTemplate: spec(world, region, g.template) } : {}),
    ...(g.mixed ? { MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: spec(world, region, g.mixed), Overrides: g.mixed.overrides.map((InstanceType) => ({ InstanceType })) } } } : {}),
    ...(g.configuration ? { LaunchConfigurationName: g.configuration } : {}),
    MinSize: 0,
    MaxSize: 10,
    DesiredCapacity: g.instances.length,
    Instances: g.instances.map((InstanceId) => ({ InstanceId, LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: `${region}a`, ProtectedFromScaleIn: false, ImageId: r.instances.get(InstanceId)?.imageId })) as Asg.Instance[],
    Tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value, ResourceId: g.name, ResourceType: 'auto-scaling-group', PropagateAtLaunch: false })),
  } as Asg.AutoScalingGroup;
}

function settle(world: FakeAws, region: string, g: FakeGroup, settings: Pick<FakeGroup, 'template' | 'mixed' | 'configuration'>): void {
  g.template = settings.template;
  g.mixed = settings.mixed;
  g.configuration = settings.configuration;
  const imageId = world.imageOf(region, g);
  for (const id of g.instances) world.region(region).instances.get(id)!.imageId = imageId;
}

/** Each poll moves an active refresh one step, as AWS would between two looks. */
function advance(world: FakeAws, region: string, x: FakeRefresh): void {
  const r = world.region(region);
  const g = r.groups.get(x.group)!;
  const script = r.scripts.get(x.group) ?? {};
  if (script.hold && x.status !== 'Pending') {
    x.status = script.hold;
    return;
  }
  if (x.status === 'Pending') {
    x.status = 'InProgress';
    return;
  }
  if (x.status === 'Cancelling') {
    x.status = 'Cancelled';
    return;
  }
  if (x.status === 'RollbackInProgress' && script.rollbackFails) {
    x.status = 'RollbackFailed';
    x.reason = 'rollback failed: instance i-2 failed to launch';
    return;
  }
  if (x.status === 'RollbackInProgress') {
    settle(world, region, g, x.before);
    x.status = 'RollbackSuccessful';
    return;
  }
  if (x.status !== 'InProgress' || script.stall) {
    if (script.stall && x.percent === 0) x.percent = 50;
    return;
  }
  x.percent = Math.min(100, x.percent + (script.step ?? 50));
  if (script.cancelAt !== undefined && x.percent >= script.cancelAt) {
    x.status = 'Cancelling';
    x.reason = 'cancelled by user arn:aws:iam::111122223333:user/ops';
    return;
  }
  if (script.failAt !== undefined && x.percent >= script.failAt) {
    x.reason = script.reason ?? 'instance failed to launch';
    x.status = x.autoRollback ? 'RollbackInProgress' : 'Failed';
    return;
  }
  if (x.percent >= 100) {
    const after = x.desired
      ? { template: x.desired.template, mixed: x.desired.mixed && g.mixed ? { ...g.mixed, ...x.desired.mixed } : undefined, configuration: undefined }
      : { template: g.template, mixed: g.mixed, configuration: g.configuration };
    settle(world, region, g, after);
    x.status = 'Successful';
  }
}

function ref(input: any): TemplateRef | undefined {
  const s = input?.LaunchTemplate ?? input?.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  return s ? { templateId: s.LaunchTemplateId, version: s.Version } : undefined;
}

function checkRange(name: string, v: number | undefined, min: number, max: number) {
  if (v !== undefined && (v < min || v > max)) throw new FakeAwsError('ValidationError', `${name} must be between ${min} and ${max}`);
}

const handlers: [new (input: any) => object, Handler][] = [
  [
    Asg.DescribeAutoScalingGroupsCommand,
    (world, r, region, input) => {
      let groups = [...r.groups.values()];
      if (input.AutoScalingGroupNames) groups = groups.filter((g) => input.AutoScalingGroupNames.includes(g.name));
      for (const f of input.Filters ?? []) {
        const key = String(f.Name).replace(/^tag:/, '');
        groups = groups.filter((g) => f.Values.includes(g.tags[key]));
      }
      return world.pageOf(input, 'AutoScalingGroups', groups.map((g) => describeGroup(world, region, g)));
    },
  ],
  [
    Asg.DescribeInstanceRefreshesCommand,
    (world, r, region, input) => {
      group(r, input.AutoScalingGroupName);
      const list = r.refreshes.filter((x) => x.group === input.AutoScalingGroupName && (!input.InstanceRefreshIds || input.InstanceRefreshIds.includes(x.id)));
      if (input.InstanceRefreshIds) for (const x of list) advance(world, region, x);
      const out = [...list].reverse().map((x) => ({
        InstanceRefreshId: x.id,
        AutoScalingGroupName: x.group,
        Status: x.status,
        StatusReason: x.reason,
        PercentageComplete: x.percent,
        InstancesToUpdate: Math.round(((100 - x.percent) * r.groups.get(x.group)!.instances.length) / 100),
        StartTime: x.started,
        ...(x.desired ? { DesiredConfiguration: x.desired.template ? { LaunchTemplate: spec(world, region, x.desired.template) } : { MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: spec(world, region, x.desired.mixed!) } } } } : {}),
      }));
      checkRange('MaxRecords', input.MaxRecords, 1, 100);
      // Pages of at most MaxRecords (default 50), and never more than the fake's small page size.
      const { items, NextToken } = world.page(input, out, Math.min(world.pageSize, input.MaxRecords ?? 50));
      return { InstanceRefreshes: items, ...(NextToken ? { NextToken } : {}) };
    },
  ],
  [
    Asg.StartInstanceRefreshCommand,
    (world, r, _region, input) => {
      const g = group(r, input.AutoScalingGroupName);
      if (r.refreshes.some((x) => x.group === g.name && ACTIVE.has(x.status))) {
        throw new FakeAwsError('InstanceRefreshInProgress', 'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.');
      }
      const p = input.Preferences ?? {};
      checkRange('MinHealthyPercentage', p.MinHealthyPercentage, 0, 100);
      checkRange('MaxHealthyPercentage', p.MaxHealthyPercentage, 100, 200);
      const desired = input.DesiredConfiguration;
      const wanted = ref(desired);
      // bake sends a mixed instances policy whole; a policy without its overrides would drop them.
      if (desired?.MixedInstancesPolicy && !desired.MixedInstancesPolicy.LaunchTemplate?.Overrides) {
        throw new FakeAwsError('ValidationError', 'fake: DesiredConfiguration.MixedInstancesPolicy without LaunchTemplate.Overrides');
      }
      if (p.AutoRollback) {
        const current = (g.template ?? g.mixed)?.version ?? '';
        if (!wanted || /^\$/.test(wanted.version) || /^\$/.test(current)) {
          throw new FakeAwsError('ValidationError', 'AutoRollback requires a desired configuration with a specific launch template version, and a group not using $Latest or $Default');
        }
      }
      const x: FakeRefresh = {
        id: world.nextId('refresh'),
        group: g.name,
        status: 'Pending',
        percent: 0,
        autoRollback: p.AutoRollback === true,
        desired: wanted ? (desired.MixedInstancesPolicy ? { mixed: wanted } : { template: wanted }) : undefined,
        before: { template: g.template, mixed: g.mixed, configuration: g.configuration },
        started: new Date(),
      };
      r.refreshes.push(x);
      return { InstanceRefreshId: x.id };
    },
  ],
  [
    Asg.RollbackInstanceRefreshCommand,
    (_world, r, _region, input) => {
      const x = r.refreshes.find((y) => y.group === input.AutoScalingGroupName && (y.status === 'InProgress' || y.status === 'Pending'));
      if (!x) throw new FakeAwsError('ActiveInstanceRefreshNotFound', 'No in progress or pending Instance Refresh found');
      if (!x.desired) throw new FakeAwsError('IrreversibleInstanceRefresh', 'no desired configuration');
      x.status = 'RollbackInProgress';
      x.reason = 'rollback requested';
      return { InstanceRefreshId: x.id };
    },
  ],
  [
    Asg.CancelInstanceRefreshCommand,
    (_world, r, _region, input) => {
      const x = r.refreshes.find((y) => y.group === input.AutoScalingGroupName && ACTIVE.has(y.status));
      if (!x) throw new FakeAwsError('ActiveInstanceRefreshNotFound', 'No in progress or pending Instance Refresh found');
      x.status = 'Cancelling';
      return { InstanceRefreshId: x.id };
    },
  ],
  [
    Asg.UpdateAutoScalingGroupCommand,
    (world, r, region, input) => {
      const g = group(r, input.AutoScalingGroupName);
      const wanted = ref(input);
      if (wanted && !r.templates.has(wanted.templateId)) throw new FakeAwsError('ValidationError', `launch template ${wanted.templateId} not found`);
      if (wanted) world.version(region, wanted.templateId, wanted.version);
      if (input.LaunchConfigurationName) {
        if (!r.configurations.has(input.LaunchConfigurationName)) throw new FakeAwsError('ValidationError', `Launch configuration name not found - ${input.LaunchConfigurationName}`);
        g.configuration = input.LaunchConfigurationName;
        g.template = undefined;
      } else if (input.MixedInstancesPolicy && wanted) {
        g.mixed = { ...g.mixed!, ...wanted };
      } else if (wanted) {
        g.template = wanted;
        g.configuration = undefined;
      }
      return {};
    },
  ],
  [
    Asg.DescribeLaunchConfigurationsCommand,
    (world, r, _region, input) => {
      let list = [...r.configurations.values()];
      if (input.LaunchConfigurationNames) list = list.filter((c) => input.LaunchConfigurationNames.includes(c.name));
      return world.pageOf(input, 'LaunchConfigurations', list.map((c) => ({ LaunchConfigurationName: c.name, ImageId: c.imageId, InstanceType: c.instanceType, SecurityGroups: c.securityGroups, KernelId: '', RamdiskId: '', UserData: '', CreatedTime: c.created })));
    },
  ],
  [
    Asg.CreateLaunchConfigurationCommand,
    (world, r, region, input) => {
      if (r.configurations.has(input.LaunchConfigurationName)) throw new FakeAwsError('AlreadyExists', `Launch Configuration by this name already exists - ${input.LaunchConfigurationName}`);
      for (const k of ['KernelId', 'RamdiskId']) if (input[k] === '') throw new FakeAwsError('ValidationError', `Invalid ${k}`);
      if (!world.imageExists(region, input.ImageId)) throw new FakeAwsError('ValidationError', `Invalid image id: ${input.ImageId}`);
      r.configurations.set(input.LaunchConfigurationName, { name: input.LaunchConfigurationName, imageId: input.ImageId, instanceType: input.InstanceType, securityGroups: input.SecurityGroups ?? [], created: new Date() });
      return {};
    },
  ],
  [
    Asg.DeleteLaunchConfigurationCommand,
    (_world, r, _region, input) => {
      const name = input.LaunchConfigurationName;
      if (!r.configurations.has(name)) throw new FakeAwsError('ValidationError', `Launch configuration name not found - ${name}`);
      if ([...r.groups.values()].some((g) => g.configuration === name)) throw new FakeAwsError('ResourceInUse', `Cannot delete launch configuration ${name} because it is attached to AutoScalingGroup`);
      r.configurations.delete(name);
      return {};
    },
  ],
];

export function installAutoScaling(stub: Stub, world: FakeAws): void {
  stub.onAnyCommand().callsFake((input: unknown) => {
    throw new Error(`fake Auto Scaling: unhandled command ${JSON.stringify(input)}`);
  });
  for (const [command, handler] of handlers) {
    stub.on(command as never).callsFake(async (input: unknown, getClient: () => any) => {
      const region = await getClient().config.region();
      return world.handle(region, command.name.replace(/Command$/, ''), 'autoscaling', input as object, () => handler(world, world.region(region), region, input));
    });
  }
}
