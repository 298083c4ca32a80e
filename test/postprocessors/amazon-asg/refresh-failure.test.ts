import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { installFakeAws, type FakeAws } from '../../fakes/asg/index.js';
import { makePostProcessContext } from '../../helpers/context.js';
import { REGION, ebsArtifact, fast, makeAsg, seed } from './setup.js';

let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

const images = (g: { instances: string[] }) => g.instances.map((id) => fake.world.region(REGION).instances.get(id)!.imageId);

describe('amazon-asg: a refresh that fails', () => {
  it('lets AWS roll back, restores the default version, removes the new version and fails with AWS\'s reason', async () => {
    const { lt, group } = seed(fake.world);
    fake.world.region(REGION).scripts.set('web', { failAt: 50, reason: 'Instance i-1 failed ELB health checks' });
    const ctx = makePostProcessContext();
    const run = makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: fast }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));
    await expect(run).rejects.toThrow(
      'Auto Scaling group web in us-east-1: instance refresh refresh-00000004 RollbackSuccessful: Instance i-1 failed ELB health checks; the group is back on launch template web-lt version $Default = 2 (ami-old0001)',
    );
    expect(group.template).toEqual({ templateId: lt.id, version: '$Default' });
    expect(lt.defaultVersion).toBe(2);
    expect(lt.versions.map((v) => v.number)).toEqual([1, 2]);
    expect(images(group)).toEqual(['ami-old0001', 'ami-old0001']);
    expect(Journal.open(ctx.journal.path)).toEqual([]);
  });

  it('on timeout asks AWS to roll the refresh back and says it timed out', async () => {
    const { lt, group } = seed(fake.world, '2');
    fake.world.region(REGION).scripts.set('web', { stall: true });
    const run = makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: { ...fast, timeout: '200ms' } }).run(makePostProcessContext(), ebsArtifact({ [REGION]: 'ami-new0001' }));
    await expect(run).rejects.toThrow(
      'Auto Scaling group web in us-east-1: instance refresh refresh-00000004 timed out: not finished after 200ms; the group is back on launch template web-lt version 2 (ami-old0001)',
    );
    expect(fake.world.calls).toContain(`${REGION} RollbackInstanceRefresh`);
    expect(group.template).toEqual({ templateId: lt.id, version: '2' });
    expect(lt.defaultVersion).toBe(2);
  });

  it('without auto rollback restores the group itself and refreshes the replaced instances back', async () => {
    const { lt, group } = seed(fake.world);
    fake.world.region(REGION).scripts.set('web', { failAt: 50, reason: 'alarm web-5xx in ALARM' });
    const ctx = makePostProcessContext();
    const run = makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: { ...fast, auto_rollback: false } }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));
    await expect(run).rejects.toThrow(
      'Auto Scaling group web in us-east-1: instance refresh refresh-00000004 Failed: alarm web-5xx in ALARM; the group is back on launch template web-lt version $Default = 2 (ami-old0001)',
    );
    expect(lt.defaultVersion).toBe(2);
    expect(group.template).toEqual({ templateId: lt.id, version: '$Default' });
    const refreshes = fake.world.region(REGION).refreshes;
    expect(refreshes).toHaveLength(2);
    expect(refreshes[1]).toMatchObject({ autoRollback: false, desired: undefined, status: 'Pending' });
    expect(ctx.events.map((e) => e.text)).toContain('web: started instance refresh refresh-00000005 to put the replaced instances back on ami-old0001');
  });

  it('keeps a version AWS did not delete (UnsuccessfullyDeletedLaunchTemplateVersions) in the journal, and says to run bake rollback', async () => {
    const { lt } = seed(fake.world);
    fake.world.region(REGION).scripts.set('web', { failAt: 50, reason: 'Instance i-1 failed ELB health checks' });
    // Restoring the default fails, so the new version is still the default and cannot be deleted.
    const record = fake.world.record.bind(fake.world);
    let modifies = 0;
    fake.world.record = (region, command) => {
      if (command === 'ModifyLaunchTemplate' && ++modifies === 2) throw Object.assign(new Error('denied'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
      record(region, command);
    };
    const ctx = makePostProcessContext();
    const run = makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: { ...fast, auto_rollback: false } }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));
    await expect(run).rejects.toThrow(/delete launch template version 3: delete version 3 of web-lt: AWS did not delete it \(launchTemplateVersionIsDefault\).*run `bake rollback --asg web --region us-east-1`/);
    expect(lt.versions.map((v) => v.number)).toEqual([1, 2, 3]);
    expect(Journal.open(ctx.journal.path).map((r) => r.id)).toEqual([`${lt.id}:3`]);
  });
});
