import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installFakeAws, type FakeAws } from '../../fakes/asg/index.js';
import { makePostProcessContext } from '../../helpers/context.js';
import { Journal } from '../../../src/core/journal.js';
import { REGION, ebsArtifact, fast, makeAsg, seed } from './setup.js';

let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

describe('amazon-asg: launch template groups', () => {
  it('creates a version with only the AMI changed, makes it the default, refreshes, and keeps the group on $Default', async () => {
    const { lt, group } = seed(fake.world);
    const ctx = makePostProcessContext();
    const pp = makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: fast });
    const input = ebsArtifact({ [REGION]: 'ami-new0001' });
    const out = await pp.run(ctx, input);

    expect(out.forceKeepInput).toBe(true);
    expect(lt.versions.map((v) => [v.number, v.imageId, v.instanceType])).toEqual([
      [1, 'ami-old0000', 't3.micro'],
      [2, 'ami-old0001', 't3.micro'],
      [3, 'ami-new0001', 't3.micro'],
    ]);
    expect(lt.versions[2].description).toBe('bake test: ami-new0001');
    expect(lt.defaultVersion).toBe(3);
    expect(group.template).toEqual({ templateId: lt.id, version: '$Default' });
    for (const id of group.instances) expect(fake.world.region(REGION).instances.get(id)!.imageId).toBe('ami-new0001');
    const [change] = out.artifact.metadata.rollout as Array<Record<string, any>>;
    expect(change).toMatchObject({
      group: 'web',
      region: REGION,
      kind: 'launch-template',
      previous: { imageId: 'ami-old0001', templateVersion: '$Default', resolvedVersion: 2, defaultVersion: 2 },
      next: { imageId: 'ami-new0001', templateVersion: '$Default', resolvedVersion: 3, defaultVersion: 3 },
      refresh: { status: 'Successful' },
    });
    expect(out.artifact.description).toBe('amazon-asg: updated web (us-east-1)');
    const progress = ctx.events.filter((e) => e.progress).map((e) => e.text);
    expect(progress).toContain('web: instance refresh InProgress 50% (1 instance(s) to update)');
    expect(progress.at(-1)).toBe('web: instance refresh Successful 100% (0 instance(s) to update)');
    // The refresh asked AWS for the exact new version, which auto-rollback requires.
    expect(fake.world.region(REGION).refreshes[0]).toMatchObject({ autoRollback: true, desired: { template: { templateId: lt.id, version: '3' } } });
    // A committed rollout leaves nothing open in the journal.
    expect(Journal.open(ctx.journal.path)).toEqual([]);
  });

  it('points a group on an exact version at the new number', async () => {
    const { lt, group } = seed(fake.world, '2');
    await makeAsg({ auto_scaling_group_tags: { app: 'web' }, set_default_version: false, instance_refresh: fast }).run(makePostProcessContext(), ebsArtifact({ [REGION]: 'ami-new0001' }));
    expect(group.template).toEqual({ templateId: lt.id, version: '3' });
    expect(lt.defaultVersion).toBe(2);
  });

  it('updates the launch template of a mixed instances policy and keeps its overrides', async () => {
    fake.world.addImage(REGION, 'ami-new0001');
    const lt = fake.world.addTemplate(REGION, 'mix-lt', ['ami-old0001']);
    const group = fake.world.addGroup(REGION, { name: 'mix', mixed: { templateId: lt.id, version: '1', overrides: ['t3.micro', 't3a.micro'] } });
    const out = await makeAsg({ auto_scaling_group_names: ['mix'], instance_refresh: fast }).run(makePostProcessContext(), ebsArtifact({ [REGION]: 'ami-new0001' }));
    expect(group.mixed).toEqual({ templateId: lt.id, version: '2', overrides: ['t3.micro', 't3a.micro'] });
    expect(group.template).toBeUndefined();
    expect((out.artifact.metadata.rollout as Array<{ kind: string }>)[0].kind).toBe('mixed-instances');
  });

  it('without a refresh only points the group at the new version', async () => {
    const { lt, group } = seed(fake.world, '$Latest');
    await makeAsg({ auto_scaling_group_names: ['web'], set_default_version: false, instance_refresh: { enabled: false } }).run(makePostProcessContext(), ebsArtifact({ [REGION]: 'ami-new0001' }));
    expect(group.template).toEqual({ templateId: lt.id, version: '$Latest' });
    expect(fake.world.imageOf(REGION, group)).toBe('ami-new0001');
    expect(fake.world.region(REGION).refreshes).toEqual([]);
    for (const id of group.instances) expect(fake.world.region(REGION).instances.get(id)!.imageId).toBe('ami-old0001');
  });

  it('does nothing to a group that already launches the AMI', async () => {
    const { lt } = seed(fake.world);
    const before = fake.world.snapshot(REGION);
    const out = await makeAsg({ auto_scaling_group_names: ['web'], instance_refresh: fast }).run(makePostProcessContext(), ebsArtifact({ [REGION]: 'ami-old0001' }));
    expect(fake.world.snapshot(REGION)).toBe(before);
    expect(lt.versions).toHaveLength(2);
    expect(out.artifact.description).toBe('amazon-asg: every group already ran the AMI');
  });

  it('dry run prints each change and changes nothing', async () => {
    seed(fake.world);
    const before = fake.world.snapshot(REGION);
    const ctx = makePostProcessContext();
    const out = await makeAsg({ auto_scaling_group_names: ['web'], dry_run: true, instance_refresh: fast }).run(ctx, ebsArtifact({ [REGION]: 'ami-new0001' }));
    expect(fake.world.snapshot(REGION)).toBe(before);
    expect(fake.world.calls.filter((c) => !/ Describe/.test(c))).toEqual([]);
    expect(ctx.events.filter((e) => e.level === 'info').map((e) => e.text)).toEqual([
      'dry run: web (us-east-1): create launch template web-lt version (next) from version 2 with ImageId ami-old0001 -> ami-new0001',
      'dry run: web (us-east-1): set it as the default version of web-lt (was 2)',
      'dry run: web (us-east-1): group keeps referencing $Default',
    ]);
    expect(out.artifact.description).toBe('amazon-asg (dry run): would update web (us-east-1)');
  });
});
