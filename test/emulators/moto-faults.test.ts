import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ec2 from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugin } from '../../src/builders/amazon-ebs/index.js';
import { errorText } from '../../src/core/errors.js';
import { Journal } from '../../src/core/journal.js';
import { isolateAws } from '../fakes/ec2/aws-env.js';
import { OUTAGE, type FaultInjector, type FaultKind } from '../fakes/faults.js';
import { formatMatrix, problems, sweep, type RunResult } from '../fakes/sweep.js';
import { startEc2FaultProxy, type Ec2FaultProxy } from '../helpers/ec2-fault-proxy.js';
import { ACCEPT_OFFERED_KEY, type Moto, motoServerPath, startMoto } from '../helpers/moto-launcher.mjs';
import { makeBuildContext } from '../helpers/context.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

// The fault sweep against moto rather than the in-process fakes: whole amazon-ebs builds, with
// a fault-injecting proxy of this test's own between bake and moto, and moto's state read directly
// after each run. The template is the one test/emulators/moto.test.ts bakes (three regions,
// copies, tags, sharing, temporary key pair and security group), with short waits and few SDK
// retries so that a lasting outage ends within seconds.
const TEMPLATE = join(process.cwd(), 'test', 'fixtures', 'moto', 'amazon-ebs.json');
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const KINDS: FaultKind[] = ['throttle', 'lost', OUTAGE, 'reset'];
/** Faults a build must ride out: each happens once. */
const TRANSIENT: FaultKind[] = ['throttle', 'lost', 'reset'];
const motoBin = motoServerPath();

let moto: Moto;
let proxy: Ec2FaultProxy;
let sshd: TestSshd;
let dir: string;
/** test/fixtures/moto/amazon-ebs.json's builder with its variables filled in. */
let builderConfig: (run: number) => Record<string, unknown>;
beforeAll(async () => {
  if (!motoBin) return;
  isolateAws();
  [moto, sshd] = await Promise.all([startMoto(motoBin), startSshd({ extraConfig: ACCEPT_OFFERED_KEY })]);
  proxy = await startEc2FaultProxy(moto.url);
  dir = mkdtempSync(join(tmpdir(), 'bake-it-moto-faults-'));
  const fixture = readFileSync(TEMPLATE, 'utf8')
    .replaceAll('{{user `endpoint`}}', proxy.url)
    .replaceAll('{{user `ssh_port`}}', String(sshd.port))
    .replaceAll('{{user `app`}}', 'web')
    .replaceAll('{{isotime \\"2006-01-02\\"}}', 'today');
  const template = JSON.parse(fixture) as { builders: Record<string, unknown>[] };
  // A wait gives up after 3 s of failures, an API call after 2 SDK retries.
  builderConfig = (run) => ({ ...template.builders[0], ami_name: `web-sweep-${run}`, ssh_port: sshd.port, aws_polling: { delay_seconds: 1, max_attempts: 3 }, max_retries: 2 });
});
afterAll(async () => {
  await Promise.all([proxy?.close(), moto?.stop(), sshd?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function client(region: string): ec2.EC2Client {
  return new ec2.EC2Client({ region, endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

/**
 * Every instance (not terminated), key pair, security group, own AMI and volume in moto, and the
 * snapshots moto made for the AMIs in `amis`, by region. Snapshots are looked up by the description
 * moto gives them (listing them all takes seconds: moto counts its thousands of stock ones as the
 * account's).
 */
async function motoState(amis: string[] = []): Promise<string[]> {
  const made = amis.flatMap((id) => [`Created by CreateImage(*) for ${id}`, `Auto-created snapshot for AMI ${id}`]);
  const all = await Promise.all(
    REGIONS.map(async (region) => {
      const c = client(region);
      try {
        const [instances, keys, groups, images, snaps, volumes] = await Promise.all([
          c.send(new ec2.DescribeInstancesCommand({})),
          c.send(new ec2.DescribeKeyPairsCommand({})),
          c.send(new ec2.DescribeSecurityGroupsCommand({})),
          c.send(new ec2.DescribeImagesCommand({ Owners: ['self'] })),
          made.length ? c.send(new ec2.DescribeSnapshotsCommand({ Filters: [{ Name: 'description', Values: made }] })) : { Snapshots: [] },
          c.send(new ec2.DescribeVolumesCommand({})),
        ]);
        return [
          ...(instances.Reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name !== 'terminated').map((i) => `instance ${i.InstanceId}`),
          ...(keys.KeyPairs ?? []).map((k) => `key-pair ${k.KeyName}`),
          ...(groups.SecurityGroups ?? []).filter((g) => g.GroupName !== 'default').map((g) => `security-group ${g.GroupId}`),
          ...(images.Images ?? []).map((i) => `image ${i.ImageId}`),
          ...(snaps.Snapshots ?? []).map((s) => `snapshot ${s.SnapshotId}`),
          ...(volumes.Volumes ?? []).map((v) => `volume ${v.VolumeId}`),
        ].map((r) => `${r} (${region})`);
      } finally {
        c.destroy();
      }
    }),
  );
  return all.flat();
}

/** The AMIs (and their snapshots) a finished build hands over, as moto shows them. */
async function artifactResources(images: Record<string, string>): Promise<Set<string>> {
  const kept = new Set<string>();
  for (const [region, id] of Object.entries(images)) {
    kept.add(`image ${id} (${region})`);
    const c = client(region);
    const [image] = (await c.send(new ec2.DescribeImagesCommand({ ImageIds: [id] }))).Images ?? [];
    for (const m of image?.BlockDeviceMappings ?? []) if (m.Ebs?.SnapshotId) kept.add(`snapshot ${m.Ebs.SnapshotId} (${region})`);
    c.destroy();
  }
  return kept;
}

let runs = 0;
/**
 * One amazon-ebs build in this process (the CLI's start-up would double the sweep's time; the CLI
 * against moto is test/emulators/moto.test.ts) through the proxy; what it left in moto beyond
 * the AMIs it handed over.
 */
async function build(injector: FaultInjector): Promise<RunResult> {
  // No moto reset between runs: moto loads its thousands of stock AMIs again for each region after
  // one (seconds a run). Each run is judged by what it added, under an AMI name of its own.
  const before = new Set(await motoState());
  proxy.injector = injector;
  proxy.images = [];
  // Connecting with the temporary key pair is the provisioning: commands are tested elsewhere.
  const ctx = makeBuildContext({ buildName: 'amazon-ebs', buildType: 'amazon-ebs', buildId: `bake-moto-sweep-${++runs}` });
  let error: string | undefined;
  let kept = new Set<string>();
  try {
    const artifact = await plugin.create(builderConfig(runs) as never, { file: 'moto.json', path: 'builders[0]', templateDir: dir }).run(ctx);
    kept = await artifactResources(artifact?.images ?? {});
  } catch (err) {
    error = errorText(err);
    // Only a cleanup failed: the AMIs are still the build's result, handed over with the error.
    const images = (err as { result?: { images?: Record<string, string> } }).result?.images;
    if (images) kept = await artifactResources(images);
  }
  const leaks = (await motoState(proxy.images)).filter((r) => !before.has(r) && !kept.has(r));
  return { error, leaks, open: Journal.open(ctx.journalPath).map((r) => `${r.type} ${r.id}`) };
}

/** Creates made idempotent by a ClientToken on EC2. */
const TOKEN = /^(RunInstances|CopyImage)$/;
const CREATE = /^(RunInstances|CreateKeyPair|ImportKeyPair|CreateSecurityGroup|CreateImage|CopyImage)$/;
/** The describes of the waits: instance running / stopped / terminated, AMI available (all but the lookups before anything exists). */
const WAIT = /^(DescribeInstances|DescribeImages)$/;

if (!motoBin) console.warn('test/emulators/moto-faults.test.ts: skipped, moto_server is not on PATH (pip install "moto[server]")');
const title = motoBin ? 'the fault sweep against moto_server (amazon-ebs, three regions)' : 'the fault sweep against moto_server — skipped: moto_server is not on PATH';

describe.skipIf(!motoBin)(title, () => {
  it('sampled calls × {throttle, lost answer, lasting 503, reset}: every transient fault ends in a finished build, and no failed build leaves anything in moto', async () => {
    let firstCreate = Infinity;
    const outaged = new Set<string>();
    const report = await sweep(
      {
        name: 'amazon-ebs on moto through a fault proxy (3 regions: 2 region copies, tags, sharing, temporary key pair and security group)',
        run: build,
        // Every call but the removals and DescribeInstances (the wait for termination): a removal that
        // keeps failing, or cannot be seen to finish, must leave its resource open in the journal, named.
        outageCommands: ['DescribeImages', 'CopyImage', 'CreateTags', 'ModifyImageAttribute', 'CreateImage', 'RunInstances', 'CreateKeyPair', 'ImportKeyPair', 'CreateSecurityGroup', 'AuthorizeSecurityGroupIngress', 'StopInstances', 'DeleteTags', 'DescribeSecurityGroups'],
        // Each create: a lost answer (found again, not made twice) and an outage; each wait: throttling
        // and an outage; of the other calls every fourth, with throttle, lost answer and reset in turn.
        // moto ignores ClientToken, so a lost RunInstances or CopyImage answer makes a second one
        // there (EC2 answers the retry with the first): those get a reset instead; the in-process
        // sweep, whose fake honours tokens as EC2 does, covers their lost answers.
        sample: (call, command, kind) => {
          if (CREATE.test(command)) firstCreate = Math.min(firstCreate, call);
          if (TOKEN.test(command)) return kind === 'reset' || kind === OUTAGE;
          if (CREATE.test(command)) return kind === 'lost' || kind === OUTAGE;
          if (WAIT.test(command) && call > firstCreate) return kind === 'throttle' || kind === OUTAGE;
          // The image calls after the wait: an outage of each from its first call on (in its region).
          if (kind === OUTAGE && /^(CreateTags|ModifyImageAttribute)$/.test(command) && !outaged.has(command)) return outaged.add(command), true;
          return call % 4 === 0 && kind === TRANSIENT[(call / 4) % TRANSIENT.length];
        },
      },
      KINDS,
    );
    console.log(formatMatrix(report));
    const unfinished = report.cells.filter((c) => TRANSIENT.includes(c.kind) && c.result !== 'ok' && c.result !== 'n/a' && c.result !== 'skipped');
    expect(problems(report)).toEqual([]);
    expect(unfinished).toEqual([]);
    expect(report.cells.filter((c) => c.kind === OUTAGE && c.result === 'failed').length).toBeGreaterThan(5);
  }, 400_000);
});
