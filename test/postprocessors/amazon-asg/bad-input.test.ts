import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installFakeAws, type FakeAws } from '../../fakes/asg/index.js';
import { makePostProcessContext } from '../../helpers/context.js';
import { REGION, ebsArtifact, fast, makeAsg, seed } from './setup.js';

let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

async function refused(config: Record<string, unknown>, images: Record<string, string>, message: string) {
  const before = fake.world.snapshot(REGION);
  await expect(makeAsg({ instance_refresh: fast, ...config }).run(makePostProcessContext(), ebsArtifact(images))).rejects.toThrow(message);
  expect(fake.world.snapshot(REGION)).toBe(before);
  expect(fake.world.calls.filter((c) => !/ Describe/.test(c))).toEqual([]);
}

describe('amazon-asg: bad input changes nothing', () => {
  it('a group that does not exist', async () => {
    seed(fake.world);
    await refused({ auto_scaling_group_names: ['web', 'api'] }, { [REGION]: 'ami-new0001' }, 'Auto Scaling group api not found in us-east-1 (the regions of ami-new0001)');
  });

  it('tags no group carries', async () => {
    seed(fake.world);
    await refused({ auto_scaling_group_tags: { app: 'api' } }, { [REGION]: 'ami-new0001' }, 'no Auto Scaling group matches tag app=api in us-east-1');
  });

  it('a group with neither a launch template nor a launch configuration', async () => {
    seed(fake.world);
    fake.world.region(REGION).groups.set('bare', { name: 'bare', tags: {}, instances: [] });
    await refused(
      { auto_scaling_group_names: ['bare'] },
      { [REGION]: 'ami-new0001' },
      'Auto Scaling group bare in us-east-1 has neither a launch template nor a launch configuration; bake cannot swap its image',
    );
  });

  it('an AMI that is not in the group\'s region', async () => {
    seed(fake.world);
    await refused(
      { auto_scaling_group_names: ['web'] },
      { [REGION]: 'ami-0eu00001' },
      'AMI ami-0eu00001 does not exist in us-east-1: an AMI can only be used in its own region; copy it there first (amazon-ebs ami_regions) or pass the AMI id of that region',
    );
  });

  it('a group already being refreshed', async () => {
    const { group } = seed(fake.world);
    fake.world.region(REGION).refreshes.push({ id: 'refresh-running', group: group.name, status: 'InProgress', percent: 30, autoRollback: false, before: {}, started: new Date() });
    await refused(
      { auto_scaling_group_names: ['web'] },
      { [REGION]: 'ami-new0001' },
      'Auto Scaling group web in us-east-1 is already being refreshed (refresh-running, InProgress); wait for it to end, cancel it, or set instance_refresh.replace_running (--replace-running) to cancel it and start ours',
    );
  });

  it('refresh options out of AWS\'s ranges are refused when the template is read', () => {
    expect(() => makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: { min_healthy_percentage: 50, max_healthy_percentage: 200 } })).toThrow(
      't.json: post-processors[0].instance_refresh: max_healthy_percentage (200) - min_healthy_percentage (50) must be at most 100',
    );
    expect(() => makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: { checkpoint_percentages: [50, 20, 100] } })).toThrow(
      't.json: post-processors[0].instance_refresh.checkpoint_percentages: must be unique, ascending values from 1 to 100, got [50, 20, 100]',
    );
    expect(() => makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: { checkpoint_percentages: [50] } })).toThrow(
      't.json: post-processors[0].instance_refresh.checkpoint_percentages: the last value must be 100 so every instance is replaced, got 50',
    );
    expect(() => makeAsg({ instance_refresh: {} })).toThrow('t.json: post-processors[0]: needs auto_scaling_group_names or auto_scaling_group_tags (which groups to update)');
    expect(() => makeAsg({ auto_scaling_group_names: ['web'], group_version: '$Default', set_default_version: false })).toThrow(
      't.json: post-processors[0].group_version: "$Default" needs set_default_version: true, or the group would never launch the new AMI',
    );
  });

  it('an artifact without an AMI (another builder)', async () => {
    const qemu = { ...ebsArtifact({}), builderType: 'qemu', images: { local: 'output/web.qcow2' } };
    await expect(makeAsg({ auto_scaling_group_names: ['web'] }).run(makePostProcessContext(), qemu)).rejects.toThrow(
      't.json: post-processors[0]: the qemu artifact has no AMI (its regions: local)',
    );
    expect(fake.world.calls).toEqual([]);
  });

  it('the schema bounds percentages', () => {
    expect(() => makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: { min_healthy_percentage: 101 } })).toThrow('must be <= 100');
  });
});
