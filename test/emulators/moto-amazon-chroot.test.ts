import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ec2 from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/core/events.js';
import { Journal } from '../../src/core/journal.js';
import { ensureBaseImage } from '../../src/local-image/index.js';
import { isolateAws } from '../fakes/ec2/aws-env.js';
import { canChroot } from '../helpers/chroot-build.js';
import { imageFile } from '../helpers/disk-image.js';
import { type ImdsServer, startImds } from '../helpers/imds-server.js';
import { type Moto, motoServerPath, startMoto } from '../helpers/moto-launcher.mjs';
import { runBake } from '../helpers/run-bake.js';

// amazon-chroot through `bake build` against moto: the build host is an instance moto launched (the
// loopback metadata service names it), the "EBS volume" a loop device of bake's base image.
const TEMPLATE = join(process.cwd(), 'test', 'fixtures', 'moto', 'amazon-chroot.json');
const motoBin = motoServerPath();
const ready = !!motoBin && canChroot;

let moto: Moto;
let imds: ImdsServer;
let dir: string;
let raw: string;
let loop: string;
let host: string;

function client(region: string): ec2.EC2Client {
  return new ec2.EC2Client({ region, endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

beforeAll(async () => {
  if (!ready) return;
  isolateAws();
  dir = mkdtempSync(join(tmpdir(), 'bake-it-moto-chroot-'));
  raw = join(dir, 'volume.raw');
  execFileSync('qemu-img', ['convert', '-O', 'raw', await ensureBaseImage(new EventBus().logger('base')), raw]);
  loop = execFileSync('losetup', ['-f', '--show', raw], { encoding: 'utf8' }).trim();
  symlinkSync(loop, join(dir, 'xvdf'));
  moto = await startMoto(motoBin);
  const home = client('us-east-1');
  const [amzn] = (await home.send(new ec2.DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['amzn2-ami-hvm-2.0.20180810-x86_64-gp2'] }] }))).Images!;
  const run = await home.send(new ec2.RunInstancesCommand({ ImageId: amzn.ImageId, MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }));
  host = run.Instances![0].InstanceId!;
  imds = await startImds({ 'instance-id': host, 'placement/availability-zone': 'us-east-1a', 'placement/region': 'us-east-1' });
}, 300_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), imds?.close()]);
  if (loop) execFileSync('losetup', ['-d', loop]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const title = ready ? 'bake build against moto_server (amazon-chroot, two regions)' : `bake build against moto_server (amazon-chroot) — skipped: ${motoBin ? 'needs root and loop devices' : 'moto_server is not on PATH'}`;

describe.skipIf(!ready)(title, () => {
  it('registers the AMI from the provisioned volume in both regions, and leaves no volume or snapshot of its own', async () => {
    const journal = join(dir, 'journal.jsonl');
    const r = await runBake(['build', TEMPLATE], {
      cwd: dir,
      env: { BAKE_JOURNAL: journal, BAKE_MOTO_ENDPOINT: moto.url, BAKE_MOTO_DEVICE: join(dir, 'xvdf'), AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url, BAKE_DEVICE_LOCK_DIR: join(dir, 'locks') },
      timeoutMs: 180_000,
    });
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(imageFile(raw, '/etc/baked-by-amazon-chroot')).toBe('baked-on-moto\n');
    const listed = /^eu-west-1: (ami-\S+)\nus-east-1: (ami-\S+)$/m.exec(r.stdout);
    expect(listed, r.stdout).not.toBeNull();
    for (const [region, id] of [['eu-west-1', listed![1]], ['us-east-1', listed![2]]] as const) {
      const [image] = (await client(region).send(new ec2.DescribeImagesCommand({ ImageIds: [id] }))).Images!;
      expect(image.Name).toMatch(/^chroot-web-\d+$/);
      const tags = Object.fromEntries((image.Tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags.Name).toBe('chroot-web');
      expect(tags['bake:build-id']).toBeUndefined();
    }
    const home = client('us-east-1');
    const volumes = (await home.send(new ec2.DescribeVolumesCommand({}))).Volumes!;
    // Only the build host's own root volume is left.
    expect(volumes.map((v) => v.Attachments?.[0]?.InstanceId)).toEqual([host]);
    const tagged = (await home.send(new ec2.DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag-key', Values: ['bake:build-id'] }] }))).Snapshots!;
    expect(tagged).toEqual([]);
    expect(Journal.open(journal)).toEqual([]);
  }, 240_000);
});
