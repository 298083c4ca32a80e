import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BakeError } from '../../../src/core/errors.js';
import { Journal } from '../../../src/core/journal.js';
import { installFakeAws, type FakeAws, type RefreshScript } from '../../fakes/asg/index.js';
import { makePostProcessContext } from '../../helpers/context.js';
import { REGION, ebsArtifact, fast, makeAsg, seed } from './setup.js';

let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

/** Rolls ami-new0001 out to a group pinned to version 2, with the refresh behaving as scripted. */
async function outcome(script: RefreshScript, refresh: Record<string, unknown> = {}) {
  const { lt, group } = seed(fake.world, '2');
  fake.world.region(REGION).scripts.set('web', script);
  const ctx = makePostProcessContext();
  const err = await makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: { ...fast, ...refresh } })
    .run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }))
    .then(() => undefined, (e: unknown) => e as BakeError);
  return { err, lt, group, ctx, lines: ctx.events.map((e) => `${e.level}: ${e.text}`) };
}

describe('amazon-asg: how each refresh outcome ends (exit 1, one line, what is where)', () => {
  it('RollbackFailed: says AWS could not roll back and to run bake rollback', async () => {
    const { err, lt, group, ctx } = await outcome({ failAt: 50, reason: 'Instance i-1 failed ELB health checks', rollbackFails: true });
    expect(err).toBeInstanceOf(BakeError);
    expect(err!.exitCode).toBe(1);
    expect(err!.message).toBe(
      'Auto Scaling group web in us-east-1: instance refresh refresh-00000004 RollbackFailed: rollback failed: instance i-2 failed to launch; restoring launch template web-lt version 2 (ami-old0001) failed (AWS could not roll the refresh back (rollback failed: instance i-2 failed to launch), so instances may still run ami-new0001); run `bake rollback --asg web --region us-east-1`',
    );
    expect(group.template).toEqual({ templateId: lt.id, version: '2' });
    expect(Journal.open(ctx.journal.path)).toEqual([]);
  });

  it('Cancelled by someone else: puts the group back and refreshes the replaced instances back', async () => {
    const { err, lt, group, lines } = await outcome({ cancelAt: 50 }, { auto_rollback: false });
    expect(err!.exitCode).toBe(1);
    expect(err!.message).toBe(
      'Auto Scaling group web in us-east-1: instance refresh refresh-00000004 Cancelled: cancelled by user arn:aws:iam::111122223333:user/ops; the group is back on launch template web-lt version 2 (ami-old0001)',
    );
    expect(group.template).toEqual({ templateId: lt.id, version: '2' });
    expect(lines).toContain('warn: web: started instance refresh refresh-00000005 to put the replaced instances back on ami-old0001');
  });

  it('still Cancelling at the timeout: does not ask AWS again, says it goes on and how to follow it', async () => {
    const { err, lines } = await outcome({ hold: 'Cancelling' }, { timeout: '100ms' });
    expect(err!.exitCode).toBe(1);
    expect(err!.message).toBe(
      'Auto Scaling group web in us-east-1: instance refresh refresh-00000004 timed out while Cancelling (it goes on in AWS): not finished after 100ms; the group is back on launch template web-lt version 2 (ami-old0001)',
    );
    expect(lines).toContain('warn: web: instance refresh refresh-00000004 is still Cancelling in AWS; follow it with `aws autoscaling describe-instance-refreshes --auto-scaling-group-name web --region us-east-1`');
    expect(fake.world.calls.filter((c) => /CancelInstanceRefresh|RollbackInstanceRefresh/.test(c))).toEqual([]);
  });

  it('still RollbackInProgress at the timeout: the same, without a second rollback request', async () => {
    const { err } = await outcome({ hold: 'RollbackInProgress' }, { timeout: '100ms' });
    expect(err!.exitCode).toBe(1);
    expect(err!.message).toBe(
      'Auto Scaling group web in us-east-1: instance refresh refresh-00000004 timed out while RollbackInProgress (it goes on in AWS): not finished after 100ms; the group is back on launch template web-lt version 2 (ami-old0001)',
    );
    expect(fake.world.calls.filter((c) => /CancelInstanceRefresh|RollbackInstanceRefresh|StartInstanceRefresh/.test(c))).toEqual([`${REGION} StartInstanceRefresh`]);
  });
});
