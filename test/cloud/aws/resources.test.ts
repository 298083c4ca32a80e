import { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteSecurityGroup, deregisterImage } from '../../../src/cloud/aws/index.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { FakeEc2, installFakeEc2, OWNER } from '../../fakes/ec2/index.js';
import { ec2Error } from '../../fakes/ec2/model.js';

let restore: () => void;
let fake: FakeEc2;
beforeEach(() => {
  isolateAws();
  fake = new FakeEc2();
  ({ restore } = installFakeEc2(fake));
});
afterEach(() => restore());

describe('resource removal', () => {
  it('retries deleting a security group while an instance still uses it', async () => {
    const src = fake.addImage('us-east-1', 'src');
    fake.groups.set('sg-1', { id: 'sg-1', region: 'us-east-1', name: 'g', tags: [], ingress: [] });
    fake.instances.set('i-1', {
      id: 'i-1', region: 'us-east-1', state: 'shutting-down', polls: 0, imageId: src.id, instanceType: 't3.micro', groups: ['sg-1'],
      tags: [], launchTime: new Date(), volumes: [], hiddenPolls: 0,
    });
    setTimeout(() => (fake.instances.get('i-1')!.state = 'terminated'), 800);
    await deleteSecurityGroup(new EC2Client({ region: 'us-east-1' }), 'sg-1', AbortSignal.timeout(20_000));
    expect(fake.groups.has('sg-1')).toBe(false);
    expect(fake.callsOf('DeleteSecurityGroup').length).toBeGreaterThan(1);
  });

  it('deregisters an AMI, then deletes its snapshots; an AMI already gone counts as removed', async () => {
    const image = fake.addImage('eu-west-1', 'x', { ownerId: OWNER });
    const client = new EC2Client({ region: 'eu-west-1' });
    expect(await deregisterImage(client, image.id, AbortSignal.timeout(5000))).toEqual(image.snapshots);
    expect(fake.images.has(image.id)).toBe(false);
    expect(fake.snapshots.has(image.snapshots[0])).toBe(false);
    expect(fake.calls.map((c) => c.command)).toEqual(['DescribeImages', 'DeregisterImage', 'DeleteSnapshot']);
    await expect(deregisterImage(client, image.id, AbortSignal.timeout(20_000))).resolves.toEqual([]);
  });

  it('deregisters an AMI whose DescribeImages keeps failing, and deletes the snapshots EC2 made for it, found by their description', async () => {
    const ec2 = await import('@aws-sdk/client-ec2');
    const client = new EC2Client({ region: 'us-east-1', maxAttempts: 1 });
    const src = fake.addImage('us-east-1', 'src');
    fake.instances.set('i-1', {
      id: 'i-1', region: 'us-east-1', state: 'stopped', polls: 0, imageId: src.id, instanceType: 't3.micro', groups: [],
      tags: [], launchTime: new Date(), volumes: [], hiddenPolls: 0,
    });
    const { ImageId } = await client.send(new ec2.CreateImageCommand({ InstanceId: 'i-1', Name: 'web' }));
    fake.images.get(ImageId!)!.state = 'available';
    const { ImageId: copyId } = await client.send(new ec2.CopyImageCommand({ SourceImageId: ImageId, SourceRegion: 'us-east-1', Name: 'web-copy' }));
    const snaps = fake.images.get(ImageId!)!.snapshots;
    fake.faults.before = (command) => {
      if (command === 'DescribeImages') throw Object.assign(ec2Error('Unavailable', 'The service is unavailable.'), { $metadata: { httpStatusCode: 503 } });
    };
    expect(await deregisterImage(client, ImageId!, AbortSignal.timeout(20_000), { describeAttempts: 2 })).toEqual(snaps);
    expect(fake.images.has(ImageId!)).toBe(false);
    expect(snaps.some((s) => fake.snapshots.has(s))).toBe(false);
    // Only the snapshots made *for* this AMI: a copy made from it keeps its own.
    expect(fake.images.get(copyId!)!.snapshots.every((s) => fake.snapshots.has(s))).toBe(true);
    expect(fake.calls.map((c) => c.command).filter((c) => c !== 'DescribeImages')).toEqual(['CreateImage', 'CopyImage', 'DeregisterImage', 'DescribeSnapshots', 'DeleteSnapshot']);
  });
});
