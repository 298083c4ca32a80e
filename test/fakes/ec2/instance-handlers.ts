import type { Instance, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { matches, tagsFrom } from './describe-filters.js';
import type { FakeEc2 } from './fake-ec2.js';
import { ec2Error, type FakeInstance } from './model.js';

function view(i: FakeInstance, fake?: FakeEc2): Instance {
  const attached = [...(fake?.volumes.values() ?? [])].filter((v) => v.attachment?.instanceId === i.id);
  const up = i.state !== 'terminated' && i.state !== 'shutting-down';
  return {
    InstanceId: i.id,
    ImageId: i.imageId,
    InstanceType: i.instanceType as Instance['InstanceType'],
    KeyName: i.keyName,
    State: { Name: i.state, Code: 0 },
    PublicIpAddress: up ? '127.0.0.1' : undefined,
    PrivateIpAddress: '127.0.0.1',
    PublicDnsName: up ? 'localhost' : '',
    PrivateDnsName: 'localhost',
    LaunchTime: i.launchTime,
    Tags: i.tags,
    SecurityGroups: i.groups.map((GroupId) => ({ GroupId })),
    BlockDeviceMappings: [
      ...i.volumes.map((VolumeId) => ({ DeviceName: '/dev/xvda', Ebs: { VolumeId } })),
      ...attached.map((v) => ({ DeviceName: v.attachment!.device, Ebs: { VolumeId: v.id } })),
    ],
  };
}

const NEXT: Partial<Record<FakeInstance['state'], FakeInstance['state']>> = {
  pending: 'running',
  stopping: 'stopped',
  'shutting-down': 'terminated',
};

/** The state an instance goes to next; a CreateImage reboot brings a stopped instance back up. */
function nextState(fake: FakeEc2, i: FakeInstance): FakeInstance['state'] | undefined {
  if (i.state === 'shutting-down' && fake.faults.holdTermination) return undefined;
  return i.state === 'stopped' && i.rebooting ? 'pending' : NEXT[i.state];
}

/** Changes an instance's state and keeps the history tests read. */
export function setState(i: FakeInstance, state: FakeInstance['state']): void {
  if (i.state === state) return;
  if (state === 'pending' || state === 'shutting-down') i.rebooting = false;
  (i.history ??= [i.state]).push(state);
  i.state = state;
}

export function runInstances(fake: FakeEc2, region: string, input: RunInstancesCommandInput) {
  const type = input.InstanceType ?? 'm1.small';
  const subnet = input.SubnetId ?? input.NetworkInterfaces?.[0]?.SubnetId ?? '';
  if (fake.faults.noCapacity?.includes(type) || fake.faults.noCapacityIn?.includes(subnet)) {
    throw ec2Error('InsufficientInstanceCapacity', `We currently do not have sufficient ${type} capacity in the Availability Zone you requested.`);
  }
  const image = fake.images.get(input.ImageId ?? '');
  if (!image || image.region !== region) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${input.ImageId}]' does not exist`);
  if (input.KeyName && !fake.keyPairs.has(`${region}/${input.KeyName}`)) throw ec2Error('InvalidKeyPair.NotFound', `The key pair '${input.KeyName}' does not exist`);
  const groups = input.SecurityGroupIds ?? input.NetworkInterfaces?.[0]?.Groups ?? [];
  for (const g of groups) if (!fake.groups.has(g)) throw ec2Error('InvalidGroup.NotFound', `The security group '${g}' does not exist`);
  const i: FakeInstance = {
    id: fake.nextId('i'),
    region,
    state: 'pending',
    polls: 0,
    imageId: image.id,
    instanceType: type,
    keyName: input.KeyName,
    groups,
    tags: tagsFrom(input.TagSpecifications, 'instance'),
    launchTime: new Date(),
    volumes: [fake.nextId('vol')],
    hiddenPolls: fake.faults.notFoundPolls ?? 0,
    spot: input.InstanceMarketOptions?.MarketType === 'spot',
    history: ['pending'],
  };
  fake.instances.set(i.id, i);
  return { Instances: [view(i)] };
}

export function describeInstances(fake: FakeEc2, region: string, input: { InstanceIds?: string[]; Filters?: { Name?: string; Values?: string[] }[]; NextToken?: string }) {
  let list: FakeInstance[];
  if (input.InstanceIds?.length) {
    list = input.InstanceIds.map((id) => {
      const i = fake.instances.get(id);
      if (!i || i.region !== region || i.hiddenPolls-- > 0) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
      return i;
    });
  } else {
    list = [...fake.instances.values()].filter((i) => i.region === region && matches(input.Filters, { 'instance-state-name': i.state, 'instance-id': i.id, 'image-id': i.imageId }, i.tags));
  }
  const { items, NextToken } = fake.page(input, list, !!input.InstanceIds?.length);
  for (const i of items) {
    const next = nextState(fake, i);
    if (next) fake.advance(i, () => setState(i, next));
  }
  return { Reservations: items.map((i) => ({ Instances: [view(i, fake)] })), ...(NextToken ? { NextToken } : {}) };
}

function each(fake: FakeEc2, region: string, ids: string[] | undefined, change: (i: FakeInstance) => void) {
  return (ids ?? []).map((id) => {
    const i = fake.instances.get(id);
    if (!i || i.region !== region || i.hiddenPolls-- > 0) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    change(i);
    return { InstanceId: id, CurrentState: { Name: i.state } };
  });
}

export function stopInstances(fake: FakeEc2, region: string, input: { InstanceIds?: string[] }) {
  return {
    StoppingInstances: each(fake, region, input.InstanceIds, (i) => {
      if (i.spot) throw ec2Error('UnsupportedOperation', `You can't stop the Spot Instance '${i.id}' because it is associated with a one-time Spot Instance request.`);
      if (i.state === 'running') setState(i, 'stopping');
    }),
  };
}

export function terminateInstances(fake: FakeEc2, region: string, input: { InstanceIds?: string[] }) {
  return { TerminatingInstances: each(fake, region, input.InstanceIds, (i) => i.state !== 'terminated' && setState(i, 'shutting-down')) };
}
