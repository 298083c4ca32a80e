import { describe, expect, it, vi } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import { errorText } from '../../src/core/errors.js';
import { installFakeAws } from '../fakes/asg/index.js';
import type { FaultInjector } from '../fakes/faults.js';
import { formatMatrix, problems, sweep, type RunResult } from '../fakes/sweep.js';
import { RolloutClients } from '../../src/rollout/index.js';
import { prune } from '../../src/rollout/prune.js';
import { makePostProcessContext, recordingBus } from '../helpers/context.js';
import { REGION, ebsArtifact, fast, makeAsg, seed } from '../postprocessors/amazon-asg/setup.js';

const { shortWaits } = await vi.hoisted(() => import('../helpers/short-waits.js'));
vi.mock('../../src/core/wait.js', () => shortWaits());

/** An amazon-asg rollout with an instance refresh: new launch template version, default, refresh. */
async function rolloutRun(injector: FaultInjector): Promise<RunResult> {
  const fake = installFakeAws();
  fake.world.injector = injector;
  const { lt, group } = seed(fake.world);
  const ctx = makePostProcessContext();
  let error: string | undefined;
  try {
    await makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: fast }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));
  } catch (err) {
    error = errorText(err);
  } finally {
    fake.restore();
  }
  // A version of the new AMI that neither the group launches nor is the default was made and forgotten.
  const used = new Set([String(lt.defaultVersion), group.template?.version === '$Default' ? String(lt.defaultVersion) : group.template?.version]);
  const stray = lt.versions.filter((v) => v.imageId === 'ami-new0001' && !used.has(String(v.number))).map((v) => `launch template version ${v.number}`);
  const onNew = lt.versions.filter((v) => v.imageId === 'ami-new0001').length;
  if (error === undefined && onNew !== 1) stray.push(`${onNew} versions with the new AMI`);
  return { error, leaks: stray, open: Journal.open(ctx.journal.path).map((r) => `${r.type} ${r.id}`) };
}

describe('amazon-asg rollout under faults', () => {
  it('every call × every fault kind ends in success or a clear failure, and leaves no version behind', async () => {
    const report = await sweep({ name: 'amazon-asg rollout with an instance refresh', run: rolloutRun }, ['throttle', 'server', 'reset', 'lost']);
    console.log(formatMatrix(report));
    expect(report.calls.length).toBeGreaterThan(8);
    expect(problems(report)).toEqual([]);
  }, 300_000);
});

/** bake prune: keep the newest and the one a launch template version still launches, remove the rest with their snapshots. */
async function pruneRun(injector: FaultInjector): Promise<RunResult> {
  const fake = installFakeAws();
  fake.world.injector = injector;
  const ids = ['ami-web00001', 'ami-web00002', 'ami-web00003', 'ami-web00004'];
  ids.forEach((id, i) => fake.world.addImage(REGION, id, { name: `web-${i + 1}`, created: `2026-0${i + 1}-01T00:00:00.000Z` }));
  fake.world.addTemplate(REGION, 'web-lt', ['ami-web00001']);
  const { bus } = recordingBus();
  const clients = new RolloutClients({ region: REGION }, new AbortController().signal);
  let error: string | undefined;
  try {
    await prune(clients, { regions: [REGION], namePrefix: 'web-', keep: 1, dryRun: false }, bus.logger('prune'));
  } catch (err) {
    error = errorText(err);
  } finally {
    await clients.destroy();
    fake.restore();
  }
  const r = fake.world.region(REGION);
  const problems = [
    ...['ami-web00001', 'ami-web00004'].filter((id) => !r.images.has(id)).map((id) => `removed ${id}, which had to stay`),
    ...[...r.snapshots].filter((s) => ![...r.images.values()].some((i) => i.snapshots.includes(s))).map((s) => `snapshot ${s} of a removed AMI`),
  ];
  if (error === undefined) problems.push(...['ami-web00002', 'ami-web00003'].filter((id) => r.images.has(id)).map((id) => `${id} not removed`));
  return { error, leaks: problems, open: [] };
}

describe('bake prune under faults', () => {
  it('every call × every fault kind removes exactly the unused old AMIs with their snapshots, or fails clearly', async () => {
    const report = await sweep({ name: 'bake prune', run: pruneRun }, ['throttle', 'server', 'reset', 'lost']);
    console.log(formatMatrix(report));
    expect(report.calls.length).toBeGreaterThan(6);
    expect(problems(report)).toEqual([]);
  }, 300_000);
});
