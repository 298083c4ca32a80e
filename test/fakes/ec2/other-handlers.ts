import type { Tag } from '@aws-sdk/client-ec2';
import { matches, tagsFrom } from './describe-filters.js';
import type { FakeEc2 } from './fake-ec2.js';
import { ec2Error } from './model.js';
import { cloudInitConsole, consoleWithoutKeys } from '../cloud-init-console.js';

type Input = Record<string, any>;

export function importKeyPair(fake: FakeEc2, region: string, input: Input) {
  const key = `${region}/${input.KeyName}`;
  if (fake.keyPairs.has(key)) throw ec2Error('InvalidKeyPair.Duplicate', `The keypair '${input.KeyName}' already exists.`);
  const publicKey = Buffer.from(input.PublicKeyMaterial).toString();
  fake.keyPairs.set(key, { name: input.KeyName, region, publicKey, tags: tagsFrom(input.TagSpecifications, 'key-pair'), createTime: new Date() });
  fake.onKeyImported?.(publicKey);
  return { KeyName: input.KeyName, KeyPairId: fake.nextId('key') };
}

export function deleteKeyPair(fake: FakeEc2, region: string, input: Input) {
  fake.keyPairs.delete(`${region}/${input.KeyName}`);
  return {};
}

export function describeKeyPairs(fake: FakeEc2, region: string, input: Input) {
  const list = [...fake.keyPairs.values()].filter((k) => k.region === region && (!input.KeyNames || input.KeyNames.includes(k.name)) && matches(input.Filters, { 'key-name': k.name }, k.tags));
  if (input.KeyNames?.length && list.length === 0) throw ec2Error('InvalidKeyPair.NotFound', `The key pair '${input.KeyNames[0]}' does not exist`);
  return { KeyPairs: list.map((k) => ({ KeyName: k.name, Tags: k.tags, CreateTime: k.createTime })) };
}

export function createSecurityGroup(fake: FakeEc2, region: string, input: Input) {
  if ([...fake.groups.values()].some((g) => g.region === region && g.name === input.GroupName)) {
    throw ec2Error('InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists`);
  }
  const id = fake.nextId('sg');
  fake.groups.set(id, { id, region, name: input.GroupName, vpcId: input.VpcId, tags: tagsFrom(input.TagSpecifications, 'security-group'), ingress: [] });
  return { GroupId: id };
}

export function authorizeIngress(fake: FakeEc2, region: string, input: Input) {
  const group = fake.region(fake.groups, input.GroupId, region, 'InvalidGroup.NotFound');
  const rules = JSON.stringify(input.IpPermissions ?? []);
  if (group.ingress.some((r) => JSON.stringify(r) === rules)) throw ec2Error('InvalidPermission.Duplicate', 'the specified rule already exists');
  group.ingress.push(input.IpPermissions ?? []);
  return { Return: true };
}

export function deleteSecurityGroup(fake: FakeEc2, region: string, input: Input) {
  fake.region(fake.groups, input.GroupId, region, 'InvalidGroup.NotFound');
  const user = [...fake.instances.values()].find((i) => i.state !== 'terminated' && i.groups.includes(input.GroupId));
  if (user) throw ec2Error('DependencyViolation', `resource ${input.GroupId} has a dependent object`);
  fake.groups.delete(input.GroupId);
  return {};
}

export function describeSecurityGroups(fake: FakeEc2, region: string, input: Input) {
  const list = [...fake.groups.values()].filter((g) => g.region === region && (!input.GroupIds || input.GroupIds.includes(g.id)) && matches(input.Filters, { 'group-name': g.name, 'vpc-id': g.vpcId }, g.tags));
  if (input.GroupIds?.length && list.length === 0) throw ec2Error('InvalidGroup.NotFound', `The security group '${input.GroupIds[0]}' does not exist`);
  const { items, NextToken } = fake.page(input, list, !!input.GroupIds?.length);
  return { SecurityGroups: items.map((g) => ({ GroupId: g.id, GroupName: g.name, Tags: g.tags })), ...(NextToken ? { NextToken } : {}) };
}

export function describeSnapshots(fake: FakeEc2, region: string, input: Input) {
  const list = [...fake.snapshots.values()].filter(
    (s) => s.region === region && (!input.SnapshotIds || input.SnapshotIds.includes(s.id)) && matches(input.Filters, { 'snapshot-id': s.id, description: s.description, 'volume-id': s.volumeId, status: s.state ?? 'completed' }, s.tags),
  );
  if (input.SnapshotIds?.length && list.length === 0) throw ec2Error('InvalidSnapshot.NotFound', `The snapshot '${input.SnapshotIds[0]}' does not exist`);
  const { items, NextToken } = fake.page(input, list, !!input.SnapshotIds?.length);
  for (const s of items) if (s.state === 'pending') fake.advance(s as { polls: number }, () => (s.state = 'completed'));
  const view = (s: (typeof items)[number]) => ({ SnapshotId: s.id, Tags: s.tags, StartTime: s.startTime, Description: s.description, State: s.state ?? 'completed', VolumeId: s.volumeId, VolumeSize: s.sizeGiB });
  return { Snapshots: items.map(view), ...(NextToken ? { NextToken } : {}) };
}

export function deleteSnapshot(fake: FakeEc2, region: string, input: Input) {
  fake.region(fake.snapshots, input.SnapshotId, region, 'InvalidSnapshot.NotFound');
  const image = [...fake.images.values()].find((i) => i.snapshots.includes(input.SnapshotId));
  if (image) throw ec2Error('InvalidSnapshot.InUse', `The snapshot ${input.SnapshotId} is currently in use by ${image.id}`);
  fake.snapshots.delete(input.SnapshotId);
  return {};
}

export function modifySnapshotAttribute(fake: FakeEc2, region: string, input: Input) {
  fake.region(fake.snapshots, input.SnapshotId, region, 'InvalidSnapshot.NotFound').createVolumeUsers.push(...(input.UserIds ?? []));
  return {};
}

function taggable(fake: FakeEc2, id: string): { tags: Tag[] } {
  const r = fake.instances.get(id) ?? fake.images.get(id) ?? fake.snapshots.get(id) ?? fake.groups.get(id);
  if (!r) throw ec2Error('InvalidID', `The ID '${id}' is not valid`);
  return r;
}

export function createTags(fake: FakeEc2, _region: string, input: Input) {
  for (const id of input.Resources) {
    const r = taggable(fake, id);
    for (const t of input.Tags as Tag[]) r.tags = [...r.tags.filter((x) => x.Key !== t.Key), t];
  }
  return {};
}

export function deleteTags(fake: FakeEc2, _region: string, input: Input) {
  for (const id of input.Resources) {
    const r = taggable(fake, id);
    r.tags = r.tags.filter((t) => !(input.Tags as Tag[]).some((x) => x.Key === t.Key));
  }
  return {};
}

export function modifyInstanceAttribute(fake: FakeEc2, region: string, input: Input) {
  fake.region(fake.instances, input.InstanceId, region, 'InvalidInstanceID.NotFound');
  return {};
}

/** The console as cloud-init leaves it: with the fake's host keys, else a boot that printed none. */
export function getConsoleOutput(fake: FakeEc2, region: string, input: Input) {
  const instance = fake.region(fake.instances, input.InstanceId, region, 'InvalidInstanceID.NotFound');
  const latest = input.Latest === true || input.Latest === 'true';
  if (latest && fake.refuseLatest) throw ec2Error('UnsupportedOperation', 'This instance type does not support retrieving the latest console output.');
  const reads = (fake.consoleReads.get(instance.id) ?? 0) + 1;
  fake.consoleReads.set(instance.id, reads);
  const text = fake.consoleOutput ? fake.consoleOutput(instance.id, reads) : fake.hostKeys ? cloudInitConsole(fake.hostKeys) : consoleWithoutKeys();
  return { InstanceId: instance.id, ...(text === undefined ? {} : { Output: Buffer.from(text).toString('base64') }) };
}
