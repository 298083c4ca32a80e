import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installFakeAws, type FakeAws } from '../../fakes/asg/index.js';
import { makePostProcessContext } from '../../helpers/context.js';
import { REGION, ebsArtifact, fast, makeAsg } from './setup.js';

let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
  fake.world.addImage(REGION, 'ami-old0001');
  fake.world.addImage(REGION, 'ami-new0001');
});
afterEach(() => fake.restore());

describe('amazon-asg: launch configuration groups', () => {
  it('copies the configuration with the new AMI, points the group at it, refreshes, and deletes old bake copies', async () => {
    const r = fake.world.region(REGION);
    fake.world.addConfiguration(REGION, 'app-lc', 'ami-old0000');
    fake.world.addConfiguration(REGION, 'app-lc-bake-20260101000000', 'ami-old0000', new Date(2026, 0, 2));
    fake.world.addConfiguration(REGION, 'app-lc-bake-20260201000000', 'ami-old0001', new Date(2026, 1, 2));
    fake.world.addConfiguration(REGION, 'other-lc-bake-20260101000000', 'ami-old0000', new Date(2026, 0, 2));
    const group = fake.world.addGroup(REGION, { name: 'app', configuration: 'app-lc-bake-20260201000000' });
    const ctx = makePostProcessContext();
    const out = await makeAsg({ auto_scaling_group_names: ['app'], instance_refresh: fast }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));

    const now = group.configuration!;
    expect(now).toMatch(/^app-lc-bake-\d{14}$/);
    expect(r.configurations.get(now)).toMatchObject({ imageId: 'ami-new0001', instanceType: 't3.micro', securityGroups: ['sg-1'] });
    // keep_launch_configurations 2: the new copy and the one before it; the user's own app-lc and other families untouched.
    expect([...r.configurations.keys()].sort()).toEqual(['app-lc', 'app-lc-bake-20260201000000', now, 'other-lc-bake-20260101000000'].sort());
    for (const id of group.instances) expect(r.instances.get(id)!.imageId).toBe('ami-new0001');
    expect(r.refreshes[0]).toMatchObject({ autoRollback: false, desired: undefined, status: 'Successful' });
    expect((out.artifact.metadata.rollout as Array<Record<string, unknown>>)[0]).toMatchObject({
      kind: 'launch-configuration',
      previous: { configuration: 'app-lc-bake-20260201000000', imageId: 'ami-old0001' },
      next: { configuration: now, imageId: 'ami-new0001' },
    });
  });

  it('on a failed refresh points the group back at its configuration and deletes the copy', async () => {
    const r = fake.world.region(REGION);
    fake.world.addConfiguration(REGION, 'app-lc', 'ami-old0001');
    const group = fake.world.addGroup(REGION, { name: 'app', configuration: 'app-lc' });
    r.scripts.set('app', { failAt: 100, reason: 'Instances failed to launch: InsufficientInstanceCapacity' });
    const run = makeAsg({ auto_scaling_group_names: ['app'], instance_refresh: fast }).run(makePostProcessContext(), ebsArtifact({ [REGION]: 'ami-new0001' }));
    await expect(run).rejects.toThrow(
      'Auto Scaling group app in us-east-1: instance refresh refresh-00000003 Failed: Instances failed to launch: InsufficientInstanceCapacity; the group is back on launch configuration app-lc (ami-old0001)',
    );
    expect(group.configuration).toBe('app-lc');
    expect([...r.configurations.keys()]).toEqual(['app-lc']);
  });
});
