import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
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

describe('amazon-ebs happy path', () => {
  it('launches, provisions over real SSH, images, copies to two regions encrypted, shares and tags, leaving nothing behind', async () => {
    env = fakeWithSshd(sshd);
    const { fake, source } = env;
    const outputs: string[] = [];
    const ctx = ebsContext(async (comm) => {
      const r = await comm.exec('echo provisioned-$((6*7))', { stdout: (l) => outputs.push(l) });
      expect(r.exitCode).toBe(0);
    });
    const builder = makeBuilder(
      ebsConfig(sshd, {
        ami_regions: ['eu-west-1', 'ap-southeast-2'],
        encrypt_boot: true,
        region_kms_key_ids: { 'eu-west-1': 'alias/eu-key' },
        ami_users: ['444455556666'],
        snapshot_users: ['444455556666'],
        tags: { Name: 'web', Base: '{{ .SourceAMI }}', Region: '{{ .BuildRegion }}', Distro: '{{ .SourceAMITags.Distro }}' },
        snapshot_tags: { From: '{{ .SourceAMIName }}' },
        ami_description: 'built from {{ .SourceAMI }}',
      }),
    );
    const artifact = await builder.run(ctx);

    expect(outputs).toEqual(['provisioned-42']);
    expect(Object.keys(artifact!.images)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    // Packer's id: region:ami pairs sorted by region.
    const { images } = artifact!;
    expect(artifact!.id).toBe(`ap-southeast-2:${images['ap-southeast-2']},eu-west-1:${images['eu-west-1']},us-east-1:${images['us-east-1']}`);
    expect(artifact!.description).toBe(`AMIs were created:\nap-southeast-2: ${images['ap-southeast-2']}\neu-west-1: ${images['eu-west-1']}\nus-east-1: ${images['us-east-1']}`);
    expect(artifact!.metadata.source_ami).toBe(source.id);
    expect(fake.bakeTagged()).toEqual([]);
    expect(Journal.open(ctx.journalPath)).toEqual([]);

    const run = fake.callsOf('RunInstances')[0].input;
    expect(run).toMatchObject({
      ImageId: source.id,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      KeyName: 'bake_bake-test-0001',
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
      InstanceInitiatedShutdownBehavior: 'stop',
    });
    expect((run.TagSpecifications as { ResourceType: string }[]).map((s) => s.ResourceType)).toEqual(['instance', 'volume']);
    expect(run.TagSpecifications).toContainEqual({
      ResourceType: 'instance',
      Tags: expect.arrayContaining([{ Key: 'bake:build-id', Value: 'bake-test-0001' }, { Key: 'bake:template', Value: 't.json' }]),
    });
    expect(fake.callsOf('AuthorizeSecurityGroupIngress')[0].input).toEqual({
      GroupId: expect.stringMatching(/^sg-/),
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: sshd.port, ToPort: sshd.port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });

    expect(fake.callsOf('CreateImage')[0].input).toMatchObject({ Name: 'bake-unencrypted-bake-test-0001', Description: `built from ${source.id}` });
    // Snapshots are tagged with CreateTags once the image exists, never through TagSpecifications (emulators refuse those).
    const specs = [...fake.callsOf('CreateImage'), ...fake.callsOf('CopyImage')].map((c) => (c.input.TagSpecifications as { ResourceType: string }[]).map((s) => s.ResourceType));
    expect(specs).toEqual(Array(4).fill(['image']));
    const copies = fake.callsOf('CopyImage');
    expect(copies.map((c) => c.input.Description)).toEqual(Array(3).fill(`built from ${source.id}`));
    expect(copies.map((c) => [c.region, c.input.Encrypted, c.input.KmsKeyId])).toEqual([
      ['us-east-1', true, undefined],
      ['eu-west-1', true, 'alias/eu-key'],
      ['ap-southeast-2', true, undefined],
    ]);
    for (const [region, id] of Object.entries(artifact!.images)) {
      const image = fake.images.get(id)!;
      expect(image.region).toBe(region);
      expect(image.encrypted).toBe(true);
      expect(image.launchPermissions).toEqual([{ UserId: '444455556666' }]);
      expect(image.tags).toEqual(expect.arrayContaining([
        { Key: 'Base', Value: source.id },
        // Packer renders {{ .BuildRegion }} as the build's region for the copies too.
        { Key: 'Region', Value: 'us-east-1' },
        { Key: 'Distro', Value: 'noble' },
      ]));
      const snap = fake.snapshots.get(image.snapshots[0])!;
      // As in Packer, the snapshots carry `tags` too; snapshot_tags win where both name a key.
      expect(snap.tags).toEqual(expect.arrayContaining([
        { Key: 'From', Value: source.name },
        { Key: 'Name', Value: 'web' },
        { Key: 'Region', Value: 'us-east-1' },
        { Key: 'bake:template', Value: 't.json' },
      ]));
      expect(snap.createVolumeUsers).toEqual(['444455556666']);
    }
    // The unencrypted intermediate image is gone; only the three results remain among bake's images.
    expect([...fake.images.values()].filter((i) => i.ownerId !== source.ownerId).map((i) => i.id).sort()).toEqual(Object.values(artifact!.images).sort());
    expect([...fake.instances.values()].map((i) => i.state)).toEqual(['terminated']);
    expect(fake.groups.size).toBe(0);
    expect(fake.keyPairs.size).toBe(0);
  });

  it('renders {{ .SourceAMIName }} in ami_name and checks the result', async () => {
    env = fakeWithSshd(sshd);
    const artifact = await makeBuilder(ebsConfig(sshd, { ami_name: '{{ .SourceAMIName }}-baked' })).run(ebsContext(async () => {}));
    expect(env.fake.images.get(artifact!.images['us-east-1'])!.name).toBe(`${env.source.name}-baked`);
    env.restore();
    env = fakeWithSshd(sshd);
    await expect(makeBuilder(ebsConfig(sshd, { ami_name: '{{ .SourceAMIName }}:baked' })).run(ebsContext(async () => {}))).rejects.toThrow(
      `t.json: builders[0].ami_name: contains ":": only letters, digits, spaces and ( ) [ ] . / - ' @ _ are allowed (clean_resource_name helps)`,
    );
    expect(env.fake.callsOf('RunInstances')).toEqual([]);
  });
});
