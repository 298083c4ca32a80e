import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImage } from '../../../src/local-image/index.js';
import { Journal } from '../../../src/core/journal.js';
import { EventBus } from '../../../src/core/events.js';
import { FakeEc2, startEc2Server, type Ec2Server } from '../../fakes/ec2/index.js';
import { canChroot, hostMounts } from '../../helpers/chroot-build.js';
import { imageFile } from '../../helpers/disk-image.js';
import { type ImdsServer, startImds } from '../../helpers/imds-server.js';
import { runBake } from '../../helpers/run-bake.js';

const DEBIAN_OWNER = '136693071363';

/**
 * amazon-chroot through `bake build`, against the EC2 fake over HTTP and a loopback metadata
 * service. The "EBS volume" is real: when the fake attaches it, a loop device of bake's Debian base
 * image appears at device_path, so mounting, the chroot provisioners and the unmount run for real.
 */
describe.skipIf(!canChroot)('amazon-chroot builder through bake build', () => {
  let dir: string;
  let raw: string;
  let loop: string;
  let ec2: Ec2Server;
  let imds: ImdsServer;
  let fake: FakeEc2;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bake-amazon-chroot-'));
    const base = await ensureBaseImage(new EventBus().logger('base'));
    raw = join(dir, 'volume.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', base, raw]);
    loop = execFileSync('losetup', ['-f', '--show', raw], { encoding: 'utf8' }).trim();
  }, 300_000);

  afterAll(async () => {
    if (loop) execFileSync('losetup', ['-d', loop]);
    await ec2?.close();
    await imds?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function setup(provisioners: unknown[]) {
    await ec2?.close();
    await imds?.close();
    fake = new FakeEc2();
    fake.pollsPerTransition = 1;
    const host = fake.addInstance('us-east-1');
    fake.addImage('us-east-1', 'debian-12-amd64-20261101-1234', { ownerId: DEBIAN_OWNER });
    const device = join(dir, 'xvdf');
    fake.faults.onAttach = () => symlinkSync(loop, device);
    fake.faults.onDetach = () => unlinkSync(device);
    ec2 = await startEc2Server(fake);
    imds = await startImds({ 'instance-id': host.id, 'placement/availability-zone': 'us-east-1a', 'placement/region': 'us-east-1' });
    const template = join(dir, 'amazon-chroot.json');
    // In the shape of Packer's amazon-chroot example: a source_ami_filter, copy_files, a shell provisioner, two regions.
    writeFileSync(
      template,
      JSON.stringify(
        {
          builders: [
            {
              type: 'amazon-chroot',
              access_key: 'AKIDEXAMPLE',
              secret_key: 'secret',
              custom_endpoint_ec2: ec2.url,
              source_ami_filter: { filters: { 'virtualization-type': 'hvm', name: 'debian-12-amd64-*', 'root-device-type': 'ebs' }, owners: [DEBIAN_OWNER], most_recent: true },
              ami_name: 'bake-chroot-web {{isotime "2006-01-02"}}',
              ami_regions: ['us-west-2'],
              copy_files: ['/etc/resolv.conf'],
              device_path: device,
              tags: { Base: '{{ .SourceAMIName }}' },
            },
          ],
          provisioners,
        },
        null,
        2,
      ),
    );
    const journal = join(dir, `journal-${Date.now()}.jsonl`);
    const runs = join(dir, `runs-${Date.now()}`);
    return { template, journal, runs, env: { BAKE_JOURNAL: journal, BAKE_RUNS_DIR: runs, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url, BAKE_DEVICE_LOCK_DIR: join(dir, 'locks') } };
  }

  it('bakes an AMI from the attached volume: provisioned in the chroot, snapshotted, registered, copied, and nothing left', async () => {
    const mountsBefore = hostMounts();
    const t = await setup([{ type: 'shell', inline: ['echo baked-on-$(cat /etc/debian_version) > /etc/baked-by-amazon-chroot', 'test -f /etc/resolv.conf'] }]);
    const r = await runBake(['build', t.template], { env: t.env, timeoutMs: 240_000 });
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(imageFile(raw, '/etc/baked-by-amazon-chroot')).toMatch(/^baked-on-12/);
    const images = [...fake.images.values()].filter((i) => i.name.startsWith('bake-chroot-web'));
    expect(images.map((i) => i.region).sort()).toEqual(['us-east-1', 'us-west-2']);
    const registered = fake.callsOf('RegisterImage')[0]!.input as Record<string, any>;
    expect(registered.RootDeviceName).toBe('/dev/xvda');
    expect(fake.callsOf('AttachVolume')[0]!.input.Device).toBe('/dev/sdf');
    expect(fake.volumes.size).toBe(0);
    expect(fake.bakeTagged()).toEqual([]);
    expect(images.find((i) => i.region === 'us-east-1')!.tags).toContainEqual({ Key: 'Base', Value: 'debian-12-amd64-20261101-1234' });
    expect(Journal.open(t.journal)).toEqual([]);
    expect(hostMounts()).toEqual(mountsBefore);
    expect(existsSync(join(dir, 'xvdf'))).toBe(false);
    expect(r.stdout).toMatch(/us-east-1: ami-.*\n.*us-west-2: ami-/);

    // The SBOM of the volume, listed in the chroot after the provisioner: kept in the run's folder and named by each AMI's tag.
    expect(r.stdout).toMatch(/SBOM: \d{3} packages \(dpkg\), Debian GNU\/Linux 12 \(bookworm\)/);
    const kept = readdirSync(t.runs, { recursive: true }).map(String).filter((f) => f.endsWith('sbom.cdx.json'));
    expect(kept).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]+\/amazon-chroot\/sbom\.cdx\.json$/)]);
    const sbom = readFileSync(join(t.runs, kept[0]));
    for (const i of images) expect(i.tags).toContainEqual({ Key: 'bake:sbom-sha256', Value: createHash('sha256').update(sbom).digest('hex') });
    const envelope = JSON.parse(readFileSync(join(t.runs, kept[0].replace('sbom.cdx.json', 'provenance.intoto.jsonl')), 'utf8'));
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
    expect(statement.subject.map((s: { name: string }) => s.name).sort()).toEqual(images.map((i) => `${i.region}:${i.id}`).sort());
    expect(statement.predicate.buildDefinition.resolvedDependencies[1]).toMatchObject({ name: 'source-image', uri: expect.stringMatching(/^arn:aws:ec2:us-east-1::image\/ami-/) });
  }, 300_000);

  it('a failing provisioner leaves no volume, snapshot or image, and the device detached', async () => {
    const t = await setup([{ type: 'shell', inline: ['echo about to fail', 'exit 7'] }]);
    const snapshotsBefore = new Set(fake.snapshots.keys());
    const r = await runBake(['build', t.template], { env: t.env, timeoutMs: 240_000 });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/exit(ed with)? (status )?7/);
    expect(fake.volumes.size).toBe(0);
    expect([...fake.snapshots.keys()].filter((s) => !snapshotsBefore.has(s))).toEqual([]);
    expect([...fake.images.values()].filter((i) => i.name.startsWith('bake-chroot-web'))).toEqual([]);
    expect(fake.callsOf('DetachVolume')).toHaveLength(1);
    expect(Journal.open(t.journal)).toEqual([]);
  }, 300_000);

  it('after a kill -9 while provisioning, the mount dies with bake and bake cleanup detaches and deletes the volume', async () => {
    const mountsBefore = hostMounts();
    const t = await setup([{ type: 'shell', inline: ['echo sleeping', 'sleep 600'] }]);
    const killed = await runBake(['build', t.template], {
      env: t.env,
      timeoutMs: 240_000,
      onStdout: (chunk, child) => {
        if (!child.killed && chunk.includes('sleeping')) child.kill('SIGKILL');
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(fake.volumes.size).toBe(1);
    const open = Journal.open(t.journal);
    expect(open.map((r) => r.type)).toContain('aws:volume');
    const workDir = open.find((r) => r.type === 'local:path')!.id;
    expect(existsSync(workDir)).toBe(true);
    // The kernel tore the private namespace down with bake's holder: nothing is mounted, the device is free.
    for (let i = 0; i < 50 && hostMounts().length !== mountsBefore.length; i++) await new Promise((r) => setTimeout(r, 200));
    expect(hostMounts()).toEqual(mountsBefore);
    // Credentials are never journaled: cleanup takes them from the standard chain, as the AWS CLI would.
    const cleanup = await runBake(['cleanup'], { env: { ...t.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }, timeoutMs: 120_000 });
    expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(0);
    expect(cleanup.stdout + cleanup.stderr).toMatch(/removed volume vol-/);
    expect(fake.volumes.size).toBe(0);
    expect(fake.callsOf('DetachVolume').length).toBeGreaterThan(0);
    expect(existsSync(workDir)).toBe(false);
    expect(Journal.open(t.journal)).toEqual([]);
  }, 300_000);
});
