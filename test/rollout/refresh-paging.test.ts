import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import { cleanupRolloutLeftovers, resolveRefreshOptions, rollout, RolloutClients } from '../../src/rollout/index.js';
import { installFakeAws, type FakeAws } from '../fakes/asg/index.js';
import type { FakeRefresh } from '../fakes/asg/state.js';
import { recordingBus } from '../helpers/context.js';

const R = 'us-east-1';
let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

/**
 * The group's running refresh behind two finished ones, so DescribeInstanceRefreshes (two to a
 * page in the fake) shows it only on page 2. AWS lists the newest first; an emulator need not, and
 * bake must not depend on the order.
 */
function runningRefreshOnPage2(group: string, desired?: FakeRefresh['desired']): void {
  const base = { group, percent: 100, autoRollback: false, before: {}, started: new Date('2026-01-01T00:00:00Z') };
  fake.world.region(R).refreshes.push(
    { ...base, id: 'refresh-running', status: 'InProgress', percent: 40, ...(desired ? { desired } : {}) },
    { ...base, id: 'refresh-old-1', status: 'Successful' },
    { ...base, id: 'refresh-old-2', status: 'Cancelled' },
  );
}

describe('DescribeInstanceRefreshes paged two at a time', () => {
  it('the fake pages it: NextToken, and MaxRecords when smaller', async () => {
    fake.world.addGroup(R, { name: 'web', size: 0 });
    runningRefreshOnPage2('web');
    const asg = await import('@aws-sdk/client-auto-scaling');
    const client = new asg.AutoScalingClient({ region: R });
    const first = await client.send(new asg.DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web' }));
    expect(first.InstanceRefreshes?.map((r) => r.InstanceRefreshId)).toEqual(['refresh-old-2', 'refresh-old-1']);
    const second = await client.send(new asg.DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web', NextToken: first.NextToken }));
    expect(second.InstanceRefreshes?.map((r) => r.InstanceRefreshId)).toEqual(['refresh-running']);
    expect(second.NextToken).toBeUndefined();
    const one = await client.send(new asg.DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'web', MaxRecords: 1 }));
    expect(one.InstanceRefreshes).toHaveLength(1);
    expect(one.NextToken).toBe('1');
    client.destroy();
  });

  it('rollout sees the running refresh on page 2 and refuses to start another', async () => {
    fake.world.addImage(R, 'ami-0new0001');
    const lt = fake.world.addTemplate(R, 'web-lt', ['ami-0000old1']);
    fake.world.addGroup(R, { name: 'web', template: { templateId: lt.id, version: '$Default' } });
    runningRefreshOnPage2('web');
    const before = fake.world.snapshot(R);
    const { bus } = recordingBus();
    const clients = new RolloutClients({ region: R }, new AbortController().signal);
    const ctx = { clients, log: bus.logger('t'), cleanupSignal: () => AbortSignal.timeout(5000) };
    await expect(
      rollout(ctx, {
        images: { [R]: 'ami-0new0001' },
        selector: { names: ['web'] },
        swap: { setDefaultVersion: true, versionDescription: 'bake', keepLaunchConfigurations: 2 },
        refresh: resolveRefreshOptions({ poll_interval: '10ms', timeout: '5s' }),
        dryRun: false,
      }),
    ).rejects.toThrow('Auto Scaling group web in us-east-1 is already being refreshed (refresh-running, InProgress)');
    await clients.destroy();
    expect(fake.world.snapshot(R)).toBe(before);
  });

  it('bake cleanup keeps the version that the running refresh on page 2 rolls out', async () => {
    fake.world.addImage(R, 'ami-00000001');
    fake.world.addImage(R, 'ami-00000002');
    const lt = fake.world.addTemplate(R, 'web-lt', ['ami-00000001', 'ami-00000002'], 1);
    fake.world.addGroup(R, { name: 'web', template: { templateId: lt.id, version: '1' }, size: 0 });
    runningRefreshOnPage2('web', { template: { templateId: lt.id, version: '2' } });
    const path = join(mkdtempSync(join(tmpdir(), 'bake-j-')), 'journal.jsonl');
    new Journal(path, 'bake-run-1', 'web').created({ type: 'aws:launch-template-version', id: `${lt.id}:2`, region: R });
    const { bus, lines } = recordingBus();
    const failed = await cleanupRolloutLeftovers(Journal.open(path), { dryRun: false, log: bus.logger('cleanup'), signal: new AbortController().signal, journal: new Journal(path, 'c', 'cleanup') });
    expect(failed).toBe(0);
    expect(lt.versions.map((v) => v.number)).toEqual([1, 2]);
    expect(lines()).toEqual([
      `info: kept launch template ${lt.id} version 2 in ${R}: instance refresh refresh-running of Auto Scaling group web rolls it out (InProgress); run \`bake cleanup\` again after it ends`,
    ]);
  });
});
