import * as ec2 from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installFakeAws, type FakeAws } from './asg/index.js';
import { isolateAws } from './ec2/aws-env.js';
import { FakeEc2, installFakeEc2 } from './ec2/index.js';
import { nova } from './openstack/nova.js';
import { FakeState } from './openstack/state.js';

/** The fakes behave as the clouds do where bake's correctness depends on it. */
describe('EC2 fake fidelity', () => {
  let restore: () => void;
  let fake: FakeEc2;
  beforeEach(() => {
    isolateAws();
    fake = new FakeEc2();
    restore = installFakeEc2(fake).restore;
  });
  afterEach(() => restore());
  const client = (region: string) => new ec2.EC2Client({ region });

  it('refuses an unknown filter name instead of matching nothing', async () => {
    fake.addImage('us-east-1', 'x');
    await expect(client('us-east-1').send(new ec2.DescribeImagesCommand({ Filters: [{ Name: 'nmae', Values: ['x'] }] }))).rejects.toThrow("The filter 'nmae' is invalid");
  });

  it('knows the owner aliases self, amazon and aws-marketplace', async () => {
    fake.addImage('us-east-1', 'al2023', { ownerId: '137112412989' });
    fake.addImage('us-east-1', 'market', { ownerId: '679593333241' });
    fake.addImage('us-east-1', 'mine', { ownerId: '111122223333' });
    for (const [owner, name] of [['amazon', 'al2023'], ['aws-marketplace', 'market'], ['self', 'mine']]) {
      const out = await client('us-east-1').send(new ec2.DescribeImagesCommand({ Owners: [owner] }));
      expect(out.Images?.map((i) => i.Name)).toEqual([name]);
    }
  });

  it('keeps security groups per region: one name in two regions, each seen only in its own', async () => {
    await client('us-east-1').send(new ec2.CreateSecurityGroupCommand({ GroupName: 'bake_x', Description: 'd' }));
    await client('eu-west-1').send(new ec2.CreateSecurityGroupCommand({ GroupName: 'bake_x', Description: 'd' }));
    const out = await client('eu-west-1').send(new ec2.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['bake_x'] }] }));
    expect(out.SecurityGroups).toHaveLength(1);
  });

  /** Launches an instance and polls it to running, as a build does before provisioning. */
  async function runningInstance(): Promise<string> {
    const source = fake.addImage('us-east-1', 'src');
    const out = await client('us-east-1').send(new ec2.RunInstancesCommand({ ImageId: source.id, MinCount: 1, MaxCount: 1 }));
    const id = out.Instances![0].InstanceId!;
    await client('us-east-1').send(new ec2.DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(fake.instances.get(id)!.state).toBe('running');
    return id;
  }

  /** The states DescribeInstances reports over `polls` calls. */
  async function polledStates(id: string, polls: number): Promise<string[]> {
    const seen: string[] = [];
    for (let n = 0; n < polls; n++) {
      const out = await client('us-east-1').send(new ec2.DescribeInstancesCommand({ InstanceIds: [id] }));
      seen.push(out.Reservations![0].Instances![0].State!.Name!);
    }
    return seen;
  }

  it('reboots a running instance for CreateImage without NoReboot: stopping, stopped, pending, running', async () => {
    const id = await runningInstance();
    await client('us-east-1').send(new ec2.CreateImageCommand({ InstanceId: id, Name: 'img' }));
    expect(await polledStates(id, 4)).toEqual(['stopped', 'pending', 'running', 'running']);
    expect(fake.instances.get(id)!.history).toEqual(['pending', 'running', 'stopping', 'stopped', 'pending', 'running']);
  });

  it('leaves a running instance alone for CreateImage with NoReboot, and a stopped one either way', async () => {
    const id = await runningInstance();
    await client('us-east-1').send(new ec2.CreateImageCommand({ InstanceId: id, Name: 'img', NoReboot: true }));
    expect(await polledStates(id, 2)).toEqual(['running', 'running']);
    await client('us-east-1').send(new ec2.StopInstancesCommand({ InstanceIds: [id] }));
    expect(await polledStates(id, 1)).toEqual(['stopped']);
    await client('us-east-1').send(new ec2.CreateImageCommand({ InstanceId: id, Name: 'img2' }));
    expect(await polledStates(id, 2)).toEqual(['stopped', 'stopped']);
    expect(fake.instances.get(id)!.history).toEqual(['pending', 'running', 'stopping', 'stopped']);
  });

  it('refuses to delete a snapshot an AMI still uses', async () => {
    const image = fake.addImage('us-east-1', 'x');
    await expect(client('us-east-1').send(new ec2.DeleteSnapshotCommand({ SnapshotId: image.snapshots[0] }))).rejects.toThrow(`is currently in use by ${image.id}`);
  });
});

describe('Auto Scaling fake fidelity', () => {
  let fake: { world: FakeAws; restore: () => void };
  beforeEach(() => {
    fake = installFakeAws();
  });
  afterEach(() => fake.restore());

  it('refuses to delete a snapshot an AMI still uses', async () => {
    fake.world.addImage('us-east-1', 'ami-00000001');
    await expect(new ec2.EC2Client({ region: 'us-east-1' }).send(new ec2.DeleteSnapshotCommand({ SnapshotId: 'snap-00000001' }))).rejects.toThrow('is currently in use by ami-00000001');
  });
});

describe('Nova fake fidelity', () => {
  it('refuses createImage while the server is still in BUILD', () => {
    const state = new FakeState();
    state.servers.set('srv-1', { id: 'srv-1', name: 's', status: 'BUILD', polls: 0, flavorRef: 'flv-small', networks: [], metadata: {}, request: {} });
    const reply = nova(state, { method: 'POST', path: '/servers/srv-1/action', query: new URLSearchParams(), headers: {}, body: { createImage: { name: 'img', metadata: {} } } });
    expect(reply.status).toBe(409);
  });
});
