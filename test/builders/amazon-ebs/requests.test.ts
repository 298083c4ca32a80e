import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
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

const tag = (Key: string, Value: string) => ({ Key, Value });

describe('amazon-ebs requests (EC2 API reference names and shapes)', () => {
  it('launches into the freest matching subnet with a public address, user data, profile, volumes and options', async () => {
    env = fakeWithSshd(sshd);
    env.fake.vpcs.push({ id: 'vpc-1', region: 'us-east-1', tags: [tag('Name', 'build')] });
    env.fake.subnets.push(
      { id: 'subnet-a', region: 'us-east-1', vpcId: 'vpc-1', az: 'us-east-1a', free: 10, tags: [tag('Tier', 'public')] },
      { id: 'subnet-b', region: 'us-east-1', vpcId: 'vpc-1', az: 'us-east-1b', free: 200, tags: [tag('Tier', 'public')] },
      { id: 'subnet-c', region: 'us-east-1', vpcId: 'vpc-1', az: 'us-east-1c', free: 999, tags: [tag('Tier', 'private')] },
    );
    const dir = mkdtempSync(join(tmpdir(), 'bake-ud-'));
    writeFileSync(join(dir, 'user-data.yaml'), '#cloud-config\npackages: [nginx]\n');
    const config = ebsConfig(sshd, {
      vpc_filter: { filters: { 'tag:Name': 'build' } },
      subnet_filter: { filters: { 'tag:Tier': 'public' }, most_free: true },
      associate_public_ip_address: true,
      user_data_file: join(dir, 'user-data.yaml'),
      iam_instance_profile: 'packer-build',
      ebs_optimized: true,
      enable_t2_unlimited: true,
      shutdown_behavior: 'terminate',
      metadata_options: { http_tokens: 'optional', http_put_response_hop_limit: 2 },
      launch_block_device_mappings: [{ device_name: '/dev/sda1', volume_size: 20, volume_type: 'gp3', delete_on_termination: true }],
      ami_block_device_mappings: [{ device_name: '/dev/sdb', virtual_name: 'ephemeral0' }],
      run_tags: { Name: 'builder for {{ .SourceAMIName }}' },
      temporary_security_group_source_cidrs: ['10.0.0.0/8', '192.168.0.0/16'],
      ena_support: true,
      sriov_support: true,
    });
    await makeBuilder(config).run(ebsContext(async () => {}));

    expect(env.fake.callsOf('DescribeSubnets')[0].input).toEqual({
      Filters: [{ Name: 'tag:Tier', Values: ['public'] }, { Name: 'vpc-id', Values: ['vpc-1'] }],
    });
    expect(env.fake.callsOf('CreateSecurityGroup')[0].input).toMatchObject({ GroupName: 'bake_bake-test-0001', VpcId: 'vpc-1' });
    expect(env.fake.callsOf('AuthorizeSecurityGroupIngress')[0].input.IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: sshd.port, ToPort: sshd.port, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '192.168.0.0/16' }] },
    ]);
    const run = env.fake.callsOf('RunInstances')[0].input;
    expect(run).toMatchObject({
      ClientToken: 'bake-test-0001-1',
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: 'subnet-b', Groups: [expect.stringMatching(/^sg-/)], AssociatePublicIpAddress: true, DeleteOnTermination: true }],
      Placement: { AvailabilityZone: 'us-east-1b' },
      IamInstanceProfile: { Name: 'packer-build' },
      UserData: Buffer.from('#cloud-config\npackages: [nginx]\n').toString('base64'),
      EbsOptimized: true,
      CreditSpecification: { CpuCredits: 'unlimited' },
      InstanceInitiatedShutdownBehavior: 'terminate',
      MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'optional', HttpPutResponseHopLimit: 2, InstanceMetadataTags: 'disabled' },
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { DeleteOnTermination: true, VolumeSize: 20, VolumeType: 'gp3' } }],
    });
    expect(run.SubnetId).toBeUndefined();
    expect(run.SecurityGroupIds).toBeUndefined();
    expect(run.TagSpecifications).toContainEqual({ ResourceType: 'instance', Tags: expect.arrayContaining([tag('Name', `builder for ${env.source.name}`)]) });
    const [instanceId] = env.fake.instances.keys();
    expect(env.fake.callsOf('ModifyInstanceAttribute').map((c) => c.input)).toEqual([
      { InstanceId: instanceId, EnaSupport: { Value: true } },
      { InstanceId: instanceId, SriovNetSupport: { Value: 'simple' } },
    ]);
    expect(env.fake.callsOf('CreateImage')[0].input).toMatchObject({ BlockDeviceMappings: [{ DeviceName: '/dev/sdb', VirtualName: 'ephemeral0' }] });
    expect(env.fake.bakeTagged()).toEqual([]);
  });

  it('uses given security groups and key pair and creates neither', async () => {
    env = fakeWithSshd(sshd);
    env.fake.groups.set('sg-given', { id: 'sg-given', region: 'us-east-1', name: 'ssh', tags: [], ingress: [] });
    env.fake.keyPairs.set('us-east-1/deploy', { name: 'deploy', region: 'us-east-1', publicKey: sshd.publicKey, tags: [], createTime: new Date() });
    const config = ebsConfig(sshd, { security_group_ids: ['sg-given'], ssh_keypair_name: 'deploy', ssh_private_key_file: sshd.privateKeyPath });
    let ran = false;
    await makeBuilder(config).run(ebsContext(async (comm) => void (ran = (await comm.exec('true')).exitCode === 0)));
    expect(ran).toBe(true);
    expect(env.fake.callsOf('RunInstances')[0].input).toMatchObject({ KeyName: 'deploy', SecurityGroupIds: ['sg-given'] });
    expect(env.fake.callsOf('CreateSecurityGroup')).toEqual([]);
    expect(env.fake.callsOf('ImportKeyPair')).toEqual([]);
    expect(env.fake.groups.has('sg-given')).toBe(true);
    expect(env.fake.keyPairs.has('us-east-1/deploy')).toBe(true);
  });

  it('names what it waited for when a wait times out, and still cleans up', async () => {
    env = fakeWithSshd(sshd);
    env.fake.pollsPerTransition = 1000;
    env.fake.faults.before = (command) => {
      if (command === 'TerminateInstances') env.fake.pollsPerTransition = 1;
    };
    const config = ebsConfig(sshd, { aws_polling: { delay_seconds: 1, max_attempts: 2 } });
    await expect(makeBuilder(config).run(ebsContext(async () => {}))).rejects.toThrow(/^timed out after 2s waiting for instance i-[0-9a-f]+ to be running$/);
    expect(env.fake.bakeTagged()).toEqual([]);
  });

  it('with disable_stop_instance waits for the provisioners to stop the instance', async () => {
    env = fakeWithSshd(sshd);
    const ctx = ebsContext(async () => {
      // What `sudo shutdown -h now` in the last provisioner does to an EBS-backed instance.
      for (const i of env.fake.instances.values()) i.state = 'stopping';
    });
    const artifact = await makeBuilder(ebsConfig(sshd, { disable_stop_instance: true })).run(ctx);
    expect(artifact?.images['us-east-1']).toMatch(/^ami-/);
    expect(env.fake.callsOf('StopInstances')).toEqual([]);
    expect(ctx.events.map((e) => e.text)).toContain('Waiting for the provisioners to stop the instance (disable_stop_instance)…');
  });
});
