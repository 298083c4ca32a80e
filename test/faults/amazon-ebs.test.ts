import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import { errorText } from '../../src/core/errors.js';
import { ebsConfig, ebsContext, fakeWithSshd, makeBuilder } from '../builders/amazon-ebs/setup.js';
import { isolateAws } from '../fakes/ec2/aws-env.js';
import { OWNER } from '../fakes/ec2/index.js';
import { FAULT_KINDS, OUTAGE, type FaultInjector } from '../fakes/faults.js';
import { formatMatrix, problems, sweep, type RunResult } from '../fakes/sweep.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

const { shortWaits } = await vi.hoisted(() => import('../helpers/short-waits.js'));
vi.mock('../../src/core/wait.js', () => shortWaits({ maxWaitMs: 300 }));

let sshd: TestSshd;
beforeAll(async () => {
  isolateAws();
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());

/** A whole amazon-ebs build in three regions: temporary key pair and security group, two region copies, tags, sharing. */
async function build(injector: FaultInjector): Promise<RunResult> {
  const env = fakeWithSshd(sshd);
  env.fake.pollsPerTransition = 0;
  env.fake.injector = injector;
  // Connecting with the temporary key proves the key pair works; commands are tested elsewhere.
  const ctx = ebsContext(async () => {});
  let error: string | undefined;
  let images: string[] = [];
  try {
    const artifact = await makeBuilder(
      ebsConfig(sshd, {
        ami_regions: ['eu-west-1', 'ap-southeast-2'],
        ami_users: ['444455556666'],
        snapshot_users: ['444455556666'],
        tags: { Name: 'web', Region: '{{ .BuildRegion }}' },
        snapshot_tags: { From: '{{ .SourceAMIName }}' },
      }),
    ).run(ctx);
    images = Object.values(artifact?.images ?? {});
  } catch (err) {
    error = errorText(err);
  } finally {
    env.restore();
  }
  const stray = [...env.fake.images.values()].filter((i) => i.ownerId === OWNER && !images.includes(i.id)).map((i) => `image ${i.id} (${i.region})`);
  // The snapshots EC2 made for an AMI (untagged until bake tags them) must go with it.
  const kept = images.flatMap((id) => env.fake.images.get(id)?.snapshots ?? []);
  const straySnaps = [...env.fake.snapshots.values()].filter((s) => s.description && !kept.includes(s.id)).map((s) => `snapshot ${s.id} (${s.region})`);
  return {
    error,
    leaks: [...new Set([...env.fake.bakeTagged(), ...stray, ...straySnaps])],
    open: Journal.open(ctx.journalPath).map((r) => `${r.type} ${r.id}`),
  };
}

describe('amazon-ebs under faults', () => {
  it('every call × every fault kind (and lasting outages of the image calls) ends in success or a clear failure, and leaves nothing behind', async () => {
    const report = await sweep(
      {
        name: 'amazon-ebs (3 regions: 2 region copies, tags, sharing, temporary key pair and security group)',
        run: build,
        // A lasting outage of the calls that come after the AMI exists: the build fails, and every AMI and snapshot it made must go.
        outageCommands: ['DescribeImages', 'CopyImage', 'CreateTags', 'ModifyImageAttribute', 'ModifySnapshotAttribute', 'CreateImage', 'DeleteTags'],
      },
      [...FAULT_KINDS, OUTAGE],
    );
    console.log(formatMatrix(report));
    expect(report.calls.length).toBeGreaterThan(30);
    expect(problems(report)).toEqual([]);
  }, 600_000);
});
