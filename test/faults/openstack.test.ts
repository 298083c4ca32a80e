import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../src/builders/openstack/builder.js';
import { errorText } from '../../src/core/errors.js';
import { Journal } from '../../src/core/journal.js';
import { baseConfig, installKeysOnBoot, resolved } from '../builders/openstack/harness.js';
import type { FaultInjector } from '../fakes/faults.js';
import { startFakeOpenstack } from '../fakes/openstack/index.js';
import { formatMatrix, problems, sweep, type RunResult } from '../fakes/sweep.js';
import { makeBuildContext } from '../helpers/context.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

const { shortWaits } = await vi.hoisted(() => import('../helpers/short-waits.js'));
vi.mock('../../src/core/wait.js', () => shortWaits());

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);
afterAll(() => sshd?.stop());

/** A whole openstack build: temporary key pair, server, temporary floating IP, tagged image. */
async function build(injector: FaultInjector): Promise<RunResult> {
  const cloud = await startFakeOpenstack();
  cloud.state.injector = injector;
  installKeysOnBoot(cloud, sshd);
  const ctx = makeBuildContext({ buildName: 'openstack', buildType: 'openstack' });
  let error: string | undefined;
  let imageId: string | undefined;
  try {
    const config = resolved(baseConfig(cloud, sshd, { floating_ip_network: 'public', networks: ['private'], image_tags: ['golden'], image_min_disk: 20 }));
    imageId = (await new OpenstackBuilder(config).run(ctx))?.id;
  } catch (err) {
    error = errorText(err);
  } finally {
    await cloud.close();
  }
  const stray = cloud.state.createdImages().filter((i) => i.id !== imageId).map((i) => `image ${i.id}`);
  return { error, leaks: [...cloud.state.leftovers(), ...stray], open: Journal.open(ctx.journalPath).map((r) => `${r.type} ${r.id}`) };
}

describe('openstack under faults', () => {
  it('every request × every fault kind ends in success or a clear failure, and leaves nothing behind', async () => {
    const report = await sweep({ name: 'openstack (temporary key pair, floating IP, tagged image)', run: build });
    console.log(formatMatrix(report));
    expect(report.calls.length).toBeGreaterThan(15);
    expect(problems(report)).toEqual([]);
  }, 600_000);
});
