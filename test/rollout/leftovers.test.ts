import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import { cleanupRolloutLeftovers } from '../../src/rollout/index.js';
import { installFakeAws, type FakeAws } from '../fakes/asg/index.js';
import { recordingBus } from '../helpers/context.js';

const R = 'us-east-1';
let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

/** What a rollout killed half-way leaves in the journal: two versions and two configuration copies. */
function killedRun() {
  for (const id of ['ami-00000001', 'ami-00000002']) fake.world.addImage(R, id);
  const lt = fake.world.addTemplate(R, 'web-lt', ['ami-00000001', 'ami-00000002', 'ami-00000002', 'ami-00000002'], 1);
  fake.world.addGroup(R, { name: 'web', template: { templateId: lt.id, version: '4' }, size: 0 });
  fake.world.addConfiguration(R, 'app-lc-bake-20260101000000', 'ami-00000002');
  fake.world.addConfiguration(R, 'app-lc-bake-20260102000000', 'ami-00000002');
  fake.world.addGroup(R, { name: 'app', configuration: 'app-lc-bake-20260102000000', size: 0 });
  const path = join(mkdtempSync(join(tmpdir(), 'bake-j-')), 'journal.jsonl');
  const journal = new Journal(path, 'bake-run-1', 'web');
  journal.created({ type: 'aws:launch-template-version', id: `${lt.id}:3`, region: R });
  journal.created({ type: 'aws:launch-template-version', id: `${lt.id}:4`, region: R });
  journal.created({ type: 'aws:launch-configuration', id: 'app-lc-bake-20260101000000', region: R });
  journal.created({ type: 'aws:launch-configuration', id: 'app-lc-bake-20260102000000', region: R });
  journal.created({ type: 'aws:instance', id: 'i-not-mine', region: R });
  return { lt, path, journal: new Journal(path, 'bake-cleanup', 'cleanup') };
}

describe('cleanupRolloutLeftovers', () => {
  it('deletes what no group launches, keeps (and strikes out) what a group launches now', async () => {
    const { lt, path, journal } = killedRun();
    const { bus, lines } = recordingBus();
    const failed = await cleanupRolloutLeftovers(Journal.open(path), { dryRun: false, log: bus.logger('cleanup'), signal: new AbortController().signal, journal });
    expect(failed).toBe(0);
    expect(lt.versions.map((v) => v.number)).toEqual([1, 2, 4]);
    expect([...fake.world.region(R).configurations.keys()]).toEqual(['app-lc-bake-20260102000000']);
    expect(lines()).toEqual([
      `info: deleted launch template ${lt.id} version 3 in ${R}`,
      `info: kept launch template ${lt.id} version 4 in ${R}: Auto Scaling group web launches it`,
      `info: deleted launch configuration app-lc-bake-20260101000000 in ${R}`,
      `info: kept launch configuration app-lc-bake-20260102000000 in ${R}: Auto Scaling group app launches it`,
    ]);
    expect(Journal.open(path).map((r) => r.id)).toEqual(['i-not-mine']);
  });

  it('a dry run changes nothing and leaves the journal as it was', async () => {
    const { path, journal } = killedRun();
    const before = fake.world.snapshot(R);
    const { bus, lines } = recordingBus();
    await cleanupRolloutLeftovers(Journal.open(path), { dryRun: true, log: bus.logger('cleanup'), signal: new AbortController().signal, journal });
    expect(fake.world.snapshot(R)).toBe(before);
    expect(lines().filter((l) => l.includes('would delete'))).toHaveLength(2);
    expect(Journal.open(path)).toHaveLength(5);
  });

  it('keeps a version that a still-running instance refresh rolls out (a run stopped while waiting), and keeps it in the journal', async () => {
    fake.world.addImage(R, 'ami-00000001');
    fake.world.addImage(R, 'ami-00000002');
    const lt = fake.world.addTemplate(R, 'web-lt', ['ami-00000001', 'ami-00000002'], 1);
    fake.world.addGroup(R, { name: 'web', template: { templateId: lt.id, version: '1' }, size: 0 });
    fake.world.region(R).refreshes.push({ id: 'refresh-running', group: 'web', status: 'InProgress', percent: 50, autoRollback: true, desired: { template: { templateId: lt.id, version: '2' } }, before: {}, started: new Date() });
    const path = join(mkdtempSync(join(tmpdir(), 'bake-j-')), 'journal.jsonl');
    new Journal(path, 'bake-run-1', 'web').created({ type: 'aws:launch-template-version', id: `${lt.id}:2`, region: R });
    const { bus, lines } = recordingBus();
    const failed = await cleanupRolloutLeftovers(Journal.open(path), { dryRun: false, log: bus.logger('cleanup'), signal: new AbortController().signal, journal: new Journal(path, 'c', 'cleanup') });
    expect(failed).toBe(0);
    expect(lt.versions.map((v) => v.number)).toEqual([1, 2]);
    expect(lines()).toEqual([
      `info: kept launch template ${lt.id} version 2 in ${R}: instance refresh refresh-running of Auto Scaling group web rolls it out (InProgress); run \`bake cleanup\` again after it ends`,
    ]);
    expect(Journal.open(path).map((r) => r.id)).toEqual([`${lt.id}:2`]);
  });
});
