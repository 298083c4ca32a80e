import { existsSync, mkdtempSync, readdirSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AmazonChrootBuilder, resolveAmazonChroot } from '../../src/builders/amazon-chroot/index.js';
import { Journal } from '../../src/core/journal.js';
import { errorText } from '../../src/core/errors.js';
import { isolateAws } from '../fakes/ec2/aws-env.js';
import { FakeEc2, installFakeEc2, OWNER } from '../fakes/ec2/index.js';
import type { FaultInjector } from '../fakes/faults.js';
import { formatMatrix, problems, sweep, type RunResult } from '../fakes/sweep.js';
import { makeBuildContext } from '../helpers/context.js';
import { type ImdsServer, startImds } from '../helpers/imds-server.js';

const { shortWaits } = await vi.hoisted(() => import('../helpers/short-waits.js'));
vi.mock('../../src/core/wait.js', () => shortWaits());

/** Any block device of this host: the attached "volume" of the sweep, which only checks that it appears. */
const blockDevice = readdirSync('/dev').map((n) => `/dev/${n}`).find((p) => {
  try {
    return statSync(p).isBlockDevice();
  } catch {
    return false;
  }
});

let dir: string;
let imds: ImdsServer | undefined;
const HOST = 'i-0b0a0c0d0e0f01234';
beforeAll(async () => {
  isolateAws();
  dir = mkdtempSync(join(tmpdir(), 'bake-chroot-sweep-'));
  process.env.BAKE_DEVICE_LOCK_DIR = join(dir, 'locks');
  imds = await startImds({ 'instance-id': HOST, 'placement/availability-zone': 'us-east-1b', 'placement/region': 'us-east-1' });
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imds.url;
});
afterAll(async () => {
  delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  await imds?.close();
});

/** The EC2 half of an amazon-chroot build: volume, attach, detach, snapshot, register, a copy, sharing, tags. */
async function build(injector: FaultInjector): Promise<RunResult> {
  const fake = new FakeEc2();
  fake.pollsPerTransition = 0;
  fake.injector = injector;
  fake.addInstance('us-east-1', { id: HOST });
  fake.addImage('us-east-1', 'debian-12-amd64-20261101-1234', { ownerId: '136693071363' });
  const device = join(dir, 'xvdf');
  fake.faults.onAttach = () => existsSync(device) || symlinkSync(blockDevice!, device);
  fake.faults.onDetach = () => existsSync(device) && unlinkSync(device);
  const env = installFakeEc2(fake);
  const ctx = makeBuildContext({ buildName: 'amazon-chroot', buildType: 'amazon-chroot' });
  const cfg = resolveAmazonChroot(
    {
      source_ami_filter: { filters: { name: 'debian-12-amd64-*' }, owners: ['136693071363'], most_recent: true },
      ami_name: 'bake-sweep',
      ami_regions: ['eu-west-1'],
      ami_users: ['444455556666'],
      snapshot_users: ['444455556666'],
      tags: { Name: 'web' },
      device_path: device,
    },
    { file: 't.json', path: 'builders[0]', templateDir: dir },
  );
  let error: string | undefined;
  let images: string[] = [];
  try {
    const artifact = await new AmazonChrootBuilder(cfg, { name: 'chroot', run: async () => ({}) }).run(ctx);
    images = Object.values(artifact?.images ?? {});
  } catch (err) {
    error = errorText(err);
  } finally {
    env.restore();
    if (existsSync(device)) unlinkSync(device);
  }
  const stray = [...fake.images.values()].filter((i) => i.ownerId === OWNER && !images.includes(i.id)).map((i) => `image ${i.id} (${i.region})`);
  const volumes = [...fake.volumes.values()].map((v) => `volume ${v.id}`);
  return { error, leaks: [...new Set([...fake.bakeTagged(), ...stray, ...volumes])], open: Journal.open(ctx.journalPath).map((r) => `${r.type} ${r.id}`) };
}

describe.skipIf(!blockDevice)('amazon-chroot under faults', () => {
  it('every EC2 call × every fault kind ends in success or a clear failure, and leaves no volume, snapshot or image', async () => {
    const report = await sweep({ name: 'amazon-chroot (volume, attach, snapshot, register, a region copy, sharing, tags)', run: build });
    console.log(formatMatrix(report));
    expect(report.calls.length).toBeGreaterThan(15);
    expect(problems(report)).toEqual([]);
  }, 600_000);
});
