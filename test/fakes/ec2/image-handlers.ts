import type { CopyImageCommandInput, CreateImageCommandInput, Image } from '@aws-sdk/client-ec2';
import { matches, tagsFrom } from './describe-filters.js';
import type { FakeEc2 } from './fake-ec2.js';
import { setState } from './instance-handlers.js';
import { ec2Error, OWNER, type FakeImage } from './model.js';

/** Owner aliases EC2 accepts in DescribeImages' Owners, as the account ids they stand for. */
const OWNER_ALIASES: Record<string, string> = { self: OWNER, amazon: '137112412989', 'aws-marketplace': '679593333241' };

function view(i: FakeImage): Image {
  return {
    ImageId: i.id,
    Name: i.name,
    State: i.state,
    OwnerId: i.ownerId,
    CreationDate: i.creationDate,
    Tags: i.tags,
    RootDeviceName: i.rootDeviceName ?? '/dev/xvda',
    RootDeviceType: 'ebs',
    Architecture: (i.architecture ?? 'x86_64') as Image['Architecture'],
    BlockDeviceMappings: i.snapshots.map((SnapshotId, n) => ({
      DeviceName: n ? `/dev/xvd${'bcdef'[n - 1]}` : (i.rootDeviceName ?? '/dev/xvda'),
      Ebs: { SnapshotId, Encrypted: i.encrypted, KmsKeyId: i.kmsKeyId, VolumeSize: i.sizeGiB ?? 8 },
    })),
  };
}

function newImage(fake: FakeEc2, region: string, name: string, tags: { image: FakeImage['tags']; snapshot: FakeImage['tags'] }, encrypted: boolean, from: { instance?: string; image?: FakeImage }, kmsKeyId?: string): FakeImage {
  const snap = fake.nextId('snap');
  const id = fake.nextId('ami');
  // The descriptions EC2 gives the snapshots it makes for an AMI; bake finds them by these when the AMI cannot be read.
  const description = from.image
    ? `Copied for DestinationAmi ${id} from SourceAmi ${from.image.id} for SourceSnapshot ${from.image.snapshots[0]}. Task created on ${new Date().toISOString()}.`
    : `Created by CreateImage(${from.instance}) for ${id} from vol-0000000000000000`;
  fake.snapshots.set(snap, { id: snap, region, tags: tags.snapshot, startTime: new Date(), createVolumeUsers: [], description });
  const image: FakeImage = {
    id,
    region,
    name,
    state: 'pending',
    polls: 0,
    ownerId: OWNER,
    snapshots: [snap],
    tags: tags.image,
    creationDate: new Date().toISOString(),
    encrypted,
    kmsKeyId,
    launchPermissions: [],
    hiddenPolls: fake.faults.notFoundPolls ?? 0,
  };
  fake.images.set(image.id, image);
  return image;
}

function nameTaken(fake: FakeEc2, region: string, name: string) {
  if ([...fake.images.values()].some((i) => i.region === region && i.name === name && i.ownerId === OWNER)) {
    throw ec2Error('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI`);
  }
}

export function createImage(fake: FakeEc2, region: string, input: CreateImageCommandInput) {
  const inst = fake.instances.get(input.InstanceId ?? '');
  if (!inst || inst.region !== region) throw ec2Error('InvalidInstanceID.NotFound', `The instance ID '${input.InstanceId}' does not exist`);
  nameTaken(fake, region, input.Name!);
  // Without NoReboot EC2 shuts a running instance down for a consistent snapshot and boots it again.
  if (inst.state === 'running' && !input.NoReboot) {
    setState(inst, 'stopping');
    inst.rebooting = true;
  }
  const specs = input.TagSpecifications;
  return { ImageId: newImage(fake, region, input.Name!, { image: tagsFrom(specs, 'image'), snapshot: tagsFrom(specs, 'snapshot') }, false, { instance: inst.id }).id };
}

export function copyImage(fake: FakeEc2, region: string, input: CopyImageCommandInput) {
  if (fake.faults.copyFailsIn?.includes(region)) throw ec2Error('InvalidRequest', `copying images to ${region} is not possible right now`);
  const source = fake.images.get(input.SourceImageId ?? '');
  if (!source || source.region !== input.SourceRegion) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${input.SourceImageId}]' does not exist`);
  if (source.state !== 'available') throw ec2Error('IncorrectState', `Image ${source.id} is not available`);
  nameTaken(fake, region, input.Name!);
  const specs = input.TagSpecifications;
  const image = newImage(fake, region, input.Name!, { image: tagsFrom(specs, 'image'), snapshot: tagsFrom(specs, 'snapshot') }, !!input.Encrypted || source.encrypted, { image: source }, input.KmsKeyId);
  return { ImageId: image.id };
}

export function describeImages(fake: FakeEc2, region: string, input: { ImageIds?: string[]; Owners?: string[]; Filters?: { Name?: string; Values?: string[] }[]; NextToken?: string }) {
  let list: FakeImage[];
  if (input.ImageIds?.length) {
    list = input.ImageIds.map((id) => {
      const i = fake.images.get(id);
      if (!i || i.region !== region || i.hiddenPolls-- > 0) throw ec2Error('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
      return i;
    });
  } else {
    const owners = (input.Owners ?? []).map((o) => OWNER_ALIASES[o] ?? o);
    list = [...fake.images.values()].filter(
      (i) => i.region === region && (owners.length === 0 || owners.includes(i.ownerId)) && matches(input.Filters, { name: i.name, state: i.state, 'virtualization-type': 'hvm', 'root-device-type': 'ebs', architecture: 'x86_64', 'image-id': i.id }, i.tags),
    );
  }
  const { items, NextToken } = fake.page(input, list, !!input.ImageIds?.length);
  for (const i of items) if (i.state === 'pending') fake.advance(i, () => (i.state = 'available'));
  return { Images: items.map(view), ...(NextToken ? { NextToken } : {}) };
}

export function deregisterImage(fake: FakeEc2, region: string, input: { ImageId?: string }) {
  fake.region(fake.images, input.ImageId ?? '', region, 'InvalidAMIID.NotFound');
  fake.images.delete(input.ImageId!);
  return {};
}

export function modifyImageAttribute(fake: FakeEc2, region: string, input: { ImageId?: string; LaunchPermission?: { Add?: Record<string, string>[] } }) {
  const image = fake.region(fake.images, input.ImageId ?? '', region, 'InvalidAMIID.NotFound');
  image.launchPermissions.push(...(input.LaunchPermission?.Add ?? []));
  return {};
}
