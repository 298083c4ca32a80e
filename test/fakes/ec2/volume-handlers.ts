import type { Tag } from '@aws-sdk/client-ec2';
import { matches, tagsFrom } from './describe-filters.js';
import type { FakeEc2 } from './fake-ec2.js';
import { OWNER, ec2Error, type FakeImage, type FakeVolume } from './model.js';

type Input = any;

function volumeView(v: FakeVolume) {
  return {
    VolumeId: v.id,
    AvailabilityZone: v.az,
    State: v.state,
    Size: v.sizeGiB,
    SnapshotId: v.snapshotId ?? '',
    Tags: v.tags,
    CreateTime: v.createTime,
    Attachments: v.attachment ? [{ VolumeId: v.id, InstanceId: v.attachment.instanceId, Device: v.attachment.device, State: v.attachment.state }] : [],
  };
}

export function createVolume(fake: FakeEc2, region: string, input: Input) {
  if (!String(input.AvailabilityZone ?? '').startsWith(region)) throw ec2Error('InvalidParameterValue', `Invalid availability zone: [${input.AvailabilityZone}]`);
  let size = input.Size as number | undefined;
  if (input.SnapshotId) {
    const snap = fake.region(fake.snapshots, input.SnapshotId, region, 'InvalidSnapshot.NotFound');
    const base = snap.sizeGiB ?? 8;
    if (size !== undefined && size < base) throw ec2Error('InvalidParameterValue', `Volume of ${size}GiB is too small; minimum is ${base}GiB.`);
    size ??= base;
  }
  if (size === undefined) throw ec2Error('MissingParameter', 'The request must contain the parameter size/snapshot');
  const v: FakeVolume = { id: fake.nextId('vol'), region, az: input.AvailabilityZone, state: 'creating', polls: 0, sizeGiB: size, snapshotId: input.SnapshotId, tags: tagsFrom(input.TagSpecifications, 'volume'), createTime: new Date() };
  fake.volumes.set(v.id, v);
  return volumeView(v);
}

export function describeVolumes(fake: FakeEc2, region: string, input: Input) {
  const list = [...fake.volumes.values()].filter(
    (v) => v.region === region && (!input.VolumeIds?.length || input.VolumeIds.includes(v.id)) && matches(input.Filters, { 'volume-id': v.id, status: v.state, 'availability-zone': v.az }, v.tags),
  );
  if (input.VolumeIds?.length && list.length === 0) throw ec2Error('InvalidVolume.NotFound', `The volume '${input.VolumeIds[0]}' does not exist.`);
  const { items, NextToken } = fake.page(input, list, !!input.VolumeIds?.length);
  for (const v of items) {
    if (v.state === 'creating') fake.advance(v, () => (v.state = 'available'));
    else if (v.attachment?.state === 'attaching') fake.advance(v, () => (v.attachment!.state = 'attached'));
    else if (v.attachment?.state === 'detaching') {
      fake.advance(v, () => {
        fake.faults.onDetach?.(v.id, v.attachment!.device);
        v.attachment = undefined;
        v.state = 'available';
      });
    } else if (v.state === 'deleting') fake.advance(v, () => fake.volumes.delete(v.id));
  }
  return { Volumes: items.map(volumeView), ...(NextToken ? { NextToken } : {}) };
}

export function attachVolume(fake: FakeEc2, region: string, input: Input) {
  const v = fake.region(fake.volumes, input.VolumeId, region, 'InvalidVolume.NotFound');
  const i = fake.instances.get(input.InstanceId);
  if (!i || i.region !== region) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${input.InstanceId}' does not exist`);
  if (v.state !== 'available') throw ec2Error('IncorrectState', `vol ${v.id} is not 'available'.`);
  if (!v.az.startsWith(region)) throw ec2Error('InvalidVolume.ZoneMismatch', 'The volume is not in the same availability zone as the instance');
  const taken = [...fake.volumes.values()].some((o) => o.attachment?.instanceId === i.id && o.attachment.device === input.Device) || input.Device === '/dev/xvda';
  if (taken) throw ec2Error('InvalidParameterValue', `Invalid value '${input.Device}' for unixDevice. Attachment point ${input.Device} is already in use`);
  v.state = 'in-use';
  v.attachment = { instanceId: i.id, device: input.Device, state: 'attaching' };
  fake.faults.onAttach?.(v.id, input.Device);
  return { VolumeId: v.id, InstanceId: i.id, Device: input.Device, State: 'attaching' };
}

export function detachVolume(fake: FakeEc2, region: string, input: Input) {
  const v = fake.region(fake.volumes, input.VolumeId, region, 'InvalidVolume.NotFound');
  if (!v.attachment) throw ec2Error('IncorrectState', `Volume '${v.id}' is in the 'available' state.`);
  v.attachment.state = 'detaching';
  return { VolumeId: v.id, InstanceId: v.attachment.instanceId, Device: v.attachment.device, State: 'detaching' };
}

export function deleteVolume(fake: FakeEc2, region: string, input: Input) {
  const v = fake.region(fake.volumes, input.VolumeId, region, 'InvalidVolume.NotFound');
  if (v.attachment) throw ec2Error('VolumeInUse', `Volume ${v.id} is currently attached to ${v.attachment.instanceId}`);
  fake.volumes.delete(v.id);
  return {};
}

export function createSnapshot(fake: FakeEc2, region: string, input: Input) {
  const v = fake.region(fake.volumes, input.VolumeId, region, 'InvalidVolume.NotFound');
  const id = fake.nextId('snap');
  const tags: Tag[] = tagsFrom(input.TagSpecifications, 'snapshot');
  fake.snapshots.set(id, { id, region, tags, startTime: new Date(), createVolumeUsers: [], description: input.Description ?? '', state: 'pending', polls: 0, volumeId: v.id, sizeGiB: v.sizeGiB });
  return { SnapshotId: id, VolumeId: v.id, State: 'pending', VolumeSize: v.sizeGiB, Tags: tags };
}

export function registerImage(fake: FakeEc2, region: string, input: Input) {
  if ([...fake.images.values()].some((i) => i.region === region && i.name === input.Name && i.ownerId === OWNER)) {
    throw ec2Error('InvalidAMIName.Duplicate', `AMI name ${input.Name} is already in use by AMI`);
  }
  const root = (input.BlockDeviceMappings ?? []).find((m: Input) => m.DeviceName === input.RootDeviceName);
  const snapId = root?.Ebs?.SnapshotId;
  const snap = snapId ? fake.snapshots.get(snapId) : undefined;
  if (!snap || snap.region !== region) throw ec2Error('InvalidSnapshot.NotFound', `The snapshot '${snapId}' does not exist`);
  if (snap.state === 'pending') throw ec2Error('IncorrectState', `Snapshot ${snap.id} is not completed`);
  const image: FakeImage = {
    id: fake.nextId('ami'),
    region,
    name: input.Name,
    state: 'pending',
    polls: 0,
    ownerId: OWNER,
    snapshots: [snap.id],
    tags: tagsFrom(input.TagSpecifications, 'image'),
    creationDate: new Date().toISOString(),
    encrypted: false,
    launchPermissions: [],
    hiddenPolls: fake.faults.notFoundPolls ?? 0,
    rootDeviceName: input.RootDeviceName,
    architecture: input.Architecture,
    sizeGiB: root.Ebs.VolumeSize ?? snap.sizeGiB,
  };
  fake.images.set(image.id, image);
  return { ImageId: image.id };
}
