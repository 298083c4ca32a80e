import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ec2 from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import { isolateAws } from '../fakes/ec2/aws-env.js';
import { ACCEPT_OFFERED_KEY, type Moto, motoServerPath, startMoto } from '../helpers/moto-launcher.mjs';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

// `bake build` through the CLI against moto (the AWS emulator LocalStack's EC2 runs on), not a fake
// written here: the same template Packer 1.6.6 bakes there (bench/amazon-ebs-moto.mjs compares the
// two). The instance moto "launches" is the loopback sshd, which accepts the key bake offers, as
// cloud-init would install the launch key pair.
const TEMPLATE = join(process.cwd(), 'test', 'fixtures', 'moto', 'amazon-ebs.json');
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const motoBin = motoServerPath();

let moto: Moto;
let sshd: TestSshd;
let dir: string;
beforeAll(async () => {
  if (!motoBin) return;
  isolateAws();
  [moto, sshd] = await Promise.all([startMoto(motoBin), startSshd({ extraConfig: ACCEPT_OFFERED_KEY })]);
  dir = mkdtempSync(join(tmpdir(), 'bake-it-moto-'));
});
afterAll(async () => {
  await Promise.all([moto?.stop(), sshd?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function client(region: string): ec2.EC2Client {
  return new ec2.EC2Client({ region, endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

const byKey = (tags: ec2.Tag[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

if (!motoBin) console.warn('test/emulators/moto.test.ts: skipped, moto_server is not on PATH (pip install "moto[server]")');
const title = motoBin
  ? 'bake build against moto_server (amazon-ebs, three regions)'
  : 'bake build against moto_server — skipped: moto_server is not on PATH (pip install "moto[server]")';

describe.skipIf(!motoBin)(title, () => {
  it('bakes the template Packer bakes there: AMIs with tags and launch permission in all three regions, snapshots tagged, nothing temporary left', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const run = await runBake(['build', TEMPLATE], {
      cwd: dir,
      env: { BAKE_CACHE_DIR: dir, BAKE_MOTO_ENDPOINT: moto.url, BAKE_MOTO_SSH_PORT: String(sshd.port) },
      timeoutMs: 150_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('provisioned on ');
    // moto's console is a canned kernel log without cloud-init's host key block: the build says so
    // and follows amazon-ebs's default fallback, trusting the first key (that of the loopback sshd).
    expect(run.stdout).toMatch(
      new RegExp(`Warning: ssh: the console of i-\\S+ shows no SSH host keys \\(an EC2 emulator at ${moto.url.replace(/[.]/g, '\\.')}, whose console is canned, so bake does not wait\\): falling back to tofu`),
    );
    const hostKey = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(sshd.dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(' ')[1];
    expect(run.stdout).toContain(`SSH host key ${hostKey} (ED25519) of [127.0.0.1]:${sshd.port} trusted on first use (tofu)`);

    const home = client('us-east-1');
    const [source] = (await home.send(new ec2.DescribeImagesCommand({ Owners: ['099720109477'], Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*'] }] }))).Images!;
    const built = [day, new Date().toISOString().slice(0, 10)];
    // Listed as Packer lists them: sorted by region.
    const listed = /^ap-southeast-2: (ami-\S+)\neu-west-1: (ami-\S+)\nus-east-1: (ami-\S+)$/m.exec(run.stdout);
    expect(listed, run.stdout).not.toBeNull();
    const amis: Record<string, string> = { 'ap-southeast-2': listed![1], 'eu-west-1': listed![2], 'us-east-1': listed![3] };

    for (const region of REGIONS) {
      const ec = client(region);
      const images = (await ec.send(new ec2.DescribeImagesCommand({ Owners: ['self'] }))).Images!;
      expect(images.map((im) => im.ImageId)).toEqual([amis[region]]);
      const [image] = images;
      expect(image.Name).toMatch(/^web-\d+$/);
      expect(image.Description).toBe(`web from ${source.ImageId}`);
      const tags = byKey(image.Tags);
      expect(built).toContain(tags.Built);
      // {{ .BuildRegion }} is the build's region for the copies too, as Packer renders it.
      expect(tags).toEqual({
        Name: 'web',
        Base: source.Name,
        BaseId: source.ImageId,
        Region: 'us-east-1',
        Built: tags.Built,
        'bake:template': 'amazon-ebs.json',
        'bake:build': 'amazon-ebs',
        // The SBOM bake wrote for the image (docs/supply-chain.md).
        'bake:sbom-sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
        'bake:packages-sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const perms = await ec.send(new ec2.DescribeImageAttributeCommand({ ImageId: image.ImageId, Attribute: 'launchPermission' }));
      expect(perms.LaunchPermissions).toEqual([{ UserId: '444455556666' }]);
      const snapIds = image.BlockDeviceMappings!.flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
      expect(snapIds).toHaveLength(1);
      const [snap] = (await ec.send(new ec2.DescribeSnapshotsCommand({ SnapshotIds: snapIds }))).Snapshots!;
      // `tags` first, then snapshot_tags winning: what Packer 1.6.6 leaves on moto.
      // The SBOM digests are the AMI's tags only.
      const { 'bake:sbom-sha256': _sbom, 'bake:packages-sha256': _packages, ...userAndBakeTags } = tags;
      expect(byKey(snap.Tags)).toEqual({ ...userAndBakeTags, Base: source.ImageId, Kind: 'root' });

      const instances = ((await ec.send(new ec2.DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
      expect(instances.map((x) => [x.State?.Name, byKey(x.Tags)['bake:template']])).toEqual(region === 'us-east-1' ? [['terminated', 'amazon-ebs.json']] : []);
      expect((await ec.send(new ec2.DescribeKeyPairsCommand({}))).KeyPairs).toEqual([]);
      const groups = (await ec.send(new ec2.DescribeSecurityGroupsCommand({}))).SecurityGroups!;
      expect(groups.map((g) => g.GroupName).filter((n) => n !== 'default')).toEqual([]);
      ec.destroy();
    }
    home.destroy();
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  }, 180_000);

  it('a failing provisioner fails the build with its line and leaves no instance, key pair or security group in moto', async () => {
    await moto.reset();
    const template = JSON.parse(readFileSync(TEMPLATE, 'utf8'));
    template.provisioners[0].inline = ['echo about to fail', 'exit 3'];
    const file = join(dir, 'failing.json');
    writeFileSync(file, JSON.stringify(template));
    const run = await runBake(['build', file], {
      cwd: dir,
      env: { BAKE_CACHE_DIR: dir, BAKE_MOTO_ENDPOINT: moto.url, BAKE_MOTO_SSH_PORT: String(sshd.port) },
      timeoutMs: 150_000,
    });
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain(`Build 'amazon-ebs' errored: shell provisioner: inline[1] "exit 3" exited with 3`);
    const ec = client('us-east-1');
    const instances = ((await ec.send(new ec2.DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(instances.map((x) => x.State?.Name)).toEqual(['terminated']);
    expect((await ec.send(new ec2.DescribeKeyPairsCommand({}))).KeyPairs).toEqual([]);
    expect((await ec.send(new ec2.DescribeSecurityGroupsCommand({}))).SecurityGroups!.map((g) => g.GroupName)).toEqual(['default']);
    expect((await ec.send(new ec2.DescribeImagesCommand({ Owners: ['self'] }))).Images).toEqual([]);
    ec.destroy();
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  }, 180_000);

  it('after a kill -9 while provisioning, bake cleanup reaches moto through the journaled endpoint and removes what the build left', async () => {
    await moto.reset();
    const cache = mkdtempSync(join(dir, 'killed-'));
    const template = JSON.parse(readFileSync(TEMPLATE, 'utf8'));
    template.provisioners[0].inline = ['echo sleeping', 'sleep 60'];
    const file = join(cache, 'killed.json');
    writeFileSync(file, JSON.stringify(template));
    const env = { BAKE_CACHE_DIR: cache, BAKE_MOTO_ENDPOINT: moto.url, BAKE_MOTO_SSH_PORT: String(sshd.port) };
    const killed = await runBake(['build', file], {
      cwd: cache,
      env,
      timeoutMs: 150_000,
      onStdout: (chunk, child) => {
        if (!child.killed && chunk.includes('sleeping')) child.kill('SIGKILL');
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(Journal.open(join(cache, 'journal.jsonl')).map((e) => e.type).sort()).toEqual(['aws:instance', 'aws:key-pair', 'aws:security-group']);

    // The endpoint comes from the journal: cleanup's own environment names none.
    const cleanup = await runBake(['cleanup'], { cwd: cache, env: { BAKE_CACHE_DIR: cache }, timeoutMs: 120_000 });
    expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(0);
    const ec = client('us-east-1');
    const instances = ((await ec.send(new ec2.DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(instances.map((x) => x.State?.Name)).toEqual(['terminated']);
    expect((await ec.send(new ec2.DescribeKeyPairsCommand({}))).KeyPairs).toEqual([]);
    expect((await ec.send(new ec2.DescribeSecurityGroupsCommand({}))).SecurityGroups!.map((g) => g.GroupName)).toEqual(['default']);
    ec.destroy();
    expect(Journal.open(join(cache, 'journal.jsonl'))).toEqual([]);
  }, 240_000);
});
