import type * as Ec2 from '@aws-sdk/client-ec2';
import type { EC2Client, Tag } from '@aws-sdk/client-ec2';
import { isNotFound } from './errors.js';
import { send, sendAll } from './send.js';
import { BUILD_ID_TAG, fromTags } from './tags.js';

/** A resource bake can remove, as found in the journal or by its bake:build-id tag. */
export interface AwsResource {
  type: 'aws:instance' | 'aws:volume' | 'aws:image' | 'aws:snapshot' | 'aws:security-group' | 'aws:key-pair';
  id: string;
  region: string;
  buildId?: string;
  createdAt?: Date;
  /** From the journal: the endpoint / profile the build used. */
  details?: Record<string, string>;
}

const TAG_FILTER = [{ Name: 'tag-key', Values: [BUILD_ID_TAG] }];

function buildIdOf(tags: Tag[] | undefined): string | undefined {
  return fromTags(tags)[BUILD_ID_TAG] || undefined;
}

/** Every bake-tagged resource still alive in a region. */
export async function findTagged(client: EC2Client, region: string, signal: AbortSignal): Promise<AwsResource[]> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const opts = (what: string) => ({ what: `${what} in ${region}`, signal });
  const found: AwsResource[] = [];
  const instances = await sendAll<Ec2.DescribeInstancesCommandOutput, Ec2.Instance>(
    client,
    (NextToken) => new ec2.DescribeInstancesCommand({ Filters: [...TAG_FILTER, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] }], NextToken }),
    (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []),
    opts('list bake instances'),
  );
  for (const i of instances) {
    found.push({ type: 'aws:instance', id: i.InstanceId!, region, buildId: buildIdOf(i.Tags), createdAt: i.LaunchTime });
  }
  const volumes = await sendAll<Ec2.DescribeVolumesCommandOutput, Ec2.Volume>(client, (NextToken) => new ec2.DescribeVolumesCommand({ Filters: TAG_FILTER, NextToken }), (p) => p.Volumes, opts('list bake volumes'));
  for (const v of volumes) found.push({ type: 'aws:volume', id: v.VolumeId!, region, buildId: buildIdOf(v.Tags), createdAt: v.CreateTime });
  const images = await sendAll<Ec2.DescribeImagesCommandOutput, Ec2.Image>(client, (NextToken) => new ec2.DescribeImagesCommand({ Owners: ['self'], Filters: TAG_FILTER, NextToken }), (p) => p.Images, opts('list bake AMIs'));
  for (const i of images) {
    found.push({ type: 'aws:image', id: i.ImageId!, region, buildId: buildIdOf(i.Tags), createdAt: i.CreationDate ? new Date(i.CreationDate) : undefined });
  }
  const snaps = await sendAll<Ec2.DescribeSnapshotsCommandOutput, Ec2.Snapshot>(client, (NextToken) => new ec2.DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: TAG_FILTER, NextToken }), (p) => p.Snapshots, opts('list bake snapshots'));
  for (const s of snaps) {
    found.push({ type: 'aws:snapshot', id: s.SnapshotId!, region, buildId: buildIdOf(s.Tags), createdAt: s.StartTime });
  }
  const groups = await sendAll<Ec2.DescribeSecurityGroupsCommandOutput, Ec2.SecurityGroup>(client, (NextToken) => new ec2.DescribeSecurityGroupsCommand({ Filters: TAG_FILTER, NextToken }), (p) => p.SecurityGroups, opts('list bake security groups'));
  for (const g of groups) found.push({ type: 'aws:security-group', id: g.GroupId!, region, buildId: buildIdOf(g.Tags) });
  const keys = await send<Ec2.DescribeKeyPairsCommandOutput>(client, new ec2.DescribeKeyPairsCommand({ Filters: TAG_FILTER }), opts('list bake key pairs'));
  for (const k of keys.KeyPairs ?? []) found.push({ type: 'aws:key-pair', id: k.KeyName!, region, buildId: buildIdOf(k.Tags), createdAt: k.CreateTime });
  return found;
}

/** The bake:build-id tag of one resource; null when it no longer exists. */
export async function buildIdTag(client: EC2Client, r: AwsResource, signal: AbortSignal): Promise<string | undefined | null> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const opts = { what: `describe ${r.type.slice(4)} ${r.id} in ${r.region}`, signal };
  try {
    switch (r.type) {
      case 'aws:instance': {
        const out = await send<Ec2.DescribeInstancesCommandOutput>(client, new ec2.DescribeInstancesCommand({ InstanceIds: [r.id] }), opts);
        const i = out.Reservations?.[0]?.Instances?.[0];
        return !i || i.State?.Name === 'terminated' ? null : buildIdOf(i.Tags);
      }
      case 'aws:volume': {
        const out = await send<Ec2.DescribeVolumesCommandOutput>(client, new ec2.DescribeVolumesCommand({ VolumeIds: [r.id] }), opts);
        return out.Volumes?.[0] ? buildIdOf(out.Volumes[0].Tags) : null;
      }
      case 'aws:image': {
        const out = await send<Ec2.DescribeImagesCommandOutput>(client, new ec2.DescribeImagesCommand({ ImageIds: [r.id] }), opts);
        return out.Images?.[0] ? buildIdOf(out.Images[0].Tags) : null;
      }
      case 'aws:snapshot': {
        const out = await send<Ec2.DescribeSnapshotsCommandOutput>(client, new ec2.DescribeSnapshotsCommand({ SnapshotIds: [r.id] }), opts);
        return out.Snapshots?.[0] ? buildIdOf(out.Snapshots[0].Tags) : null;
      }
      case 'aws:security-group': {
        const out = await send<Ec2.DescribeSecurityGroupsCommandOutput>(client, new ec2.DescribeSecurityGroupsCommand({ GroupIds: [r.id] }), opts);
        return out.SecurityGroups?.[0] ? buildIdOf(out.SecurityGroups[0].Tags) : null;
      }
      case 'aws:key-pair': {
        const out = await send<Ec2.DescribeKeyPairsCommandOutput>(client, new ec2.DescribeKeyPairsCommand({ KeyNames: [r.id] }), opts);
        return out.KeyPairs?.[0] ? buildIdOf(out.KeyPairs[0].Tags) : null;
      }
    }
  } catch (err) {
    if (isNotFound((err as { cause?: unknown }).cause)) return null;
    throw err;
  }
}
