import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { OWNER } from '../../fakes/ec2/index.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { ebsConfig, ebsContext, fakeWithSshd, makeBuilder } from './setup.js';

let sshd: TestSshd;
let env: ReturnType<typeof fakeWithSshd>;

beforeAll(async () => {
  isolateAws();
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterEach(() => env?.restore());

const ours = () => [...env.fake.images.values()].filter((i) => i.ownerId === OWNER);

describe('amazon-ebs faults', () => {
  it('falls back to the next instance type when EC2 has no capacity', async () => {
    env = fakeWithSshd(sshd);
    env.fake.faults.noCapacity = ['t3.micro'];
    const ctx = ebsContext(async () => {});
    const artifact = await makeBuilder(ebsConfig(sshd, { instance_types: ['t3a.micro'] })).run(ctx);
    expect(artifact?.images['us-east-1']).toMatch(/^ami-/);
    expect(env.fake.callsOf('RunInstances').map((c) => c.input.InstanceType)).toEqual(['t3.micro', 't3a.micro']);
    expect(ctx.events.map((e) => e.text)).toContain('No t3.micro capacity (InsufficientInstanceCapacity); trying the next instance type');
    expect(env.fake.bakeTagged()).toEqual([]);
  });

  it('tries the other subnets subnet_filter matched when one has no capacity', async () => {
    env = fakeWithSshd(sshd);
    env.fake.subnets.push(
      { id: 'subnet-a', region: 'us-east-1', vpcId: 'vpc-1', az: 'us-east-1a', free: 200, tags: [{ Key: 'Tier', Value: 'build' }] },
      { id: 'subnet-b', region: 'us-east-1', vpcId: 'vpc-1', az: 'us-east-1b', free: 10, tags: [{ Key: 'Tier', Value: 'build' }] },
    );
    env.fake.faults.noCapacityIn = ['subnet-a'];
    const ctx = ebsContext(async () => {});
    await makeBuilder(ebsConfig(sshd, { subnet_filter: { filters: { 'tag:Tier': 'build' } } })).run(ctx);
    expect(env.fake.callsOf('RunInstances').map((c) => [c.input.SubnetId, (c.input.Placement as { AvailabilityZone: string }).AvailabilityZone, c.input.ClientToken])).toEqual([
      ['subnet-a', 'us-east-1a', 'bake-test-0001-1'],
      ['subnet-b', 'us-east-1b', 'bake-test-0001-2'],
    ]);
    expect(ctx.events.map((e) => e.text)).toContain('No t3.micro capacity in subnet-a (InsufficientInstanceCapacity); trying the next subnet');
    expect(env.fake.bakeTagged()).toEqual([]);
  });

  it('fails clearly when no instance type has capacity, and cleans up', async () => {
    env = fakeWithSshd(sshd);
    env.fake.faults.noCapacity = ['t3.micro'];
    await expect(makeBuilder(ebsConfig(sshd)).run(ebsContext(async () => {}))).rejects.toThrow(
      'amazon-ebs: could not launch an instance in us-east-1 (t3.micro: InsufficientInstanceCapacity); add types to instance_types or try another availability_zone',
    );
    expect(env.fake.bakeTagged()).toEqual([]);
  });

  it('rides out throttling on a third of the calls and not-found right after creation', async () => {
    env = fakeWithSshd(sshd);
    env.fake.faults.throttleRate = 0.33;
    env.fake.faults.notFoundPolls = 1;
    const artifact = await makeBuilder(ebsConfig(sshd, { ami_regions: ['eu-west-1'] })).run(ebsContext(async () => {}));
    expect(Object.keys(artifact!.images)).toEqual(['us-east-1', 'eu-west-1']);
    expect(env.fake.calls.length).toBeGreaterThan(20);
    expect(env.fake.bakeTagged()).toEqual([]);
  }, 60_000);

  it('deregisters the copies already made when one region fails', async () => {
    env = fakeWithSshd(sshd);
    env.fake.faults.copyFailsIn = ['ap-south-1'];
    await expect(makeBuilder(ebsConfig(sshd, { ami_regions: ['eu-west-1', 'ap-south-1'] })).run(ebsContext(async () => {}))).rejects.toThrow(
      'amazon-ebs: copying the AMI failed in ap-south-1 (amazon-ebs: copy AMI ',
    );
    expect(ours()).toEqual([]);
    expect(env.fake.callsOf('DeregisterImage').map((c) => c.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(env.fake.bakeTagged()).toEqual([]);
  });

  it('cleans up everything when a provisioner fails, and reports its error', async () => {
    env = fakeWithSshd(sshd);
    const ctx = ebsContext(async (comm) => {
      const r = await comm.exec('exit 7');
      throw new Error(`shell provisioner: inline[0] exited with ${r.exitCode}`);
    });
    await expect(makeBuilder(ebsConfig(sshd)).run(ctx)).rejects.toThrow('shell provisioner: inline[0] exited with 7');
    expect(env.fake.bakeTagged()).toEqual([]);
    expect(env.fake.callsOf('CreateImage')).toEqual([]);
  });

  it('refuses a taken AMI name before creating anything', async () => {
    env = fakeWithSshd(sshd);
    const old = env.fake.addImage('eu-west-1', 'bake-test-web', { ownerId: OWNER });
    await expect(makeBuilder(ebsConfig(sshd, { ami_regions: ['eu-west-1'] })).run(ebsContext(async () => {}))).rejects.toThrow(
      `t.json: builders[0].ami_name: an AMI named "bake-test-web" already exists (eu-west-1:${old.id}); set "force_deregister": true or run with -force to replace it`,
    );
    expect(env.fake.callsOf('RunInstances')).toEqual([]);
    expect(env.fake.callsOf('ImportKeyPair')).toEqual([]);
  });

  it('replaces a taken name with force_deregister and force_delete_snapshot', async () => {
    env = fakeWithSshd(sshd);
    const old = env.fake.addImage('us-east-1', 'bake-test-web', { ownerId: OWNER });
    const artifact = await makeBuilder(ebsConfig(sshd, { force_deregister: true, force_delete_snapshot: true })).run(ebsContext(async () => {}));
    expect(env.fake.images.has(old.id)).toBe(false);
    expect(env.fake.snapshots.has(old.snapshots[0])).toBe(false);
    expect(ours().map((i) => i.id)).toEqual([artifact!.images['us-east-1']]);
  });

  it('lists the matches of an ambiguous source_ami_filter without most_recent', async () => {
    env = fakeWithSshd(sshd);
    const second = env.fake.addImage('us-east-1', 'ubuntu/images/older', { creationDate: '2020-01-01T00:00:00.000Z' });
    const config = ebsConfig(sshd, { source_ami_filter: { filters: { name: 'ubuntu/images/*' }, owners: ['099720109477'] } });
    await expect(makeBuilder(config).run(ebsContext(async () => {}))).rejects.toThrow(
      `t.json: builders[0].source_ami_filter: 2 AMIs match, set "most_recent": true or narrow the filters: ${env.source.id} "${env.source.name}" (${env.source.creationDate}); ${second.id} "ubuntu/images/older" (2020-01-01T00:00:00.000Z)`,
    );
    expect(env.fake.callsOf('RunInstances')).toEqual([]);
  });

  it('says when source_ami_filter matches nothing', async () => {
    env = fakeWithSshd(sshd);
    const config = ebsConfig(sshd, { source_ami_filter: { filters: { name: 'debian-*' }, owners: ['amazon'], most_recent: true } });
    await expect(makeBuilder(config).run(ebsContext(async () => {}))).rejects.toThrow(
      't.json: builders[0].source_ami_filter: no AMI in us-east-1 matches {"name":"debian-*"} owned by amazon',
    );
  });

  it('makes no AMI with skip_create_ami but still provisions and cleans up', async () => {
    env = fakeWithSshd(sshd);
    let provisioned = false;
    const artifact = await makeBuilder(ebsConfig(sshd, { skip_create_ami: true })).run(ebsContext(async () => void (provisioned = true)));
    expect(artifact).toBeUndefined();
    expect(provisioned).toBe(true);
    expect(env.fake.callsOf('CreateImage')).toEqual([]);
    expect(env.fake.bakeTagged()).toEqual([]);
  });
});
