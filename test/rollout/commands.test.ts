import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneCommand } from '../../src/cli/prune-command.js';
import { rollbackCommand } from '../../src/cli/rollback-command.js';
import { rolloutCommand } from '../../src/cli/rollout-command.js';
import { installFakeAws, type FakeAws } from '../fakes/asg/index.js';
import { makePostProcessContext, recordingBus } from '../helpers/context.js';
import { REGION, ebsArtifact, makeAsg, seed } from '../postprocessors/amazon-asg/setup.js';

let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
  process.env.BAKE_JOURNAL = join(mkdtempSync(join(tmpdir(), 'bake-j-')), 'journal.jsonl');
});
afterEach(() => fake.restore());

const fast = { region: REGION, pollInterval: '10ms', timeout: '5s' };
const images = (g: { instances: string[] }) => g.instances.map((id) => fake.world.region(REGION).instances.get(id)!.imageId);

describe('bake rollout / rollback', () => {
  it('rolls an existing AMI out, then rolls the group back to the previous version from the version history', async () => {
    const { lt, group } = seed(fake.world);
    const out = recordingBus();
    expect(await rolloutCommand({ ...fast, ami: 'ami-new0001', asg: ['web'] }, { bus: out.bus })).toBe(0);
    expect(lt.defaultVersion).toBe(3);
    expect(images(group)).toEqual(['ami-new0001', 'ami-new0001']);
    expect(out.lines()).toContain('say: Rollout done: 1 group(s)');

    const back = recordingBus();
    expect(await rollbackCommand({ ...fast, asg: 'web' }, { bus: back.bus })).toBe(0);
    expect(lt.defaultVersion).toBe(2);
    expect(group.template).toEqual({ templateId: lt.id, version: '$Default' });
    expect(images(group)).toEqual(['ami-old0001', 'ami-old0001']);
    expect(lt.versions.map((v) => v.number)).toEqual([1, 2, 3]);
    expect(back.lines()).toContain('info: web (us-east-1): go back from launch template web-lt version $Default = 3 (ami-new0001) to launch template web-lt version $Default = 2 (ami-old0001)');
    expect(back.lines()).toContain('say: Rollback done: web launches ami-old0001');
  });

  it('rolls an AMI copied to two regions out to the group of that name in each', async () => {
    const east = seed(fake.world);
    fake.world.addImage('eu-west-1', 'ami-0west001');
    const lt = fake.world.addTemplate('eu-west-1', 'web-lt', ['ami-0west000']);
    const west = fake.world.addGroup('eu-west-1', { name: 'web', template: { templateId: lt.id, version: '1' } });
    expect(await rolloutCommand({ ...fast, ami: ['ami-new0001', 'eu-west-1=ami-0west001'], asg: ['web'] }, { bus: recordingBus().bus })).toBe(0);
    expect(fake.world.imageOf(REGION, east.group)).toBe('ami-new0001');
    expect(fake.world.imageOf('eu-west-1', west)).toBe('ami-0west001');
  });

  it('rolls back to the state a manifest recorded', async () => {
    const { lt, group } = seed(fake.world, '2');
    await rolloutCommand({ ...fast, ami: 'ami-new0001', asg: ['web'] }, { bus: recordingBus().bus });
    expect(group.template?.version).toBe('3');
    const dir = mkdtempSync(join(tmpdir(), 'bake-manifest-'));
    const manifest = join(dir, 'packer-manifest.json');
    const record = { group: 'web', region: REGION, kind: 'launch-template', previous: { imageId: 'ami-old0000', resolvedVersion: 1 }, next: { imageId: 'ami-new0001', resolvedVersion: 3 }, unchanged: false };
    writeFileSync(manifest, JSON.stringify({ builds: [{ name: 'web', custom_data: { rollout: [record] } }] }));
    expect(await rollbackCommand({ ...fast, asg: 'web', manifest }, { bus: recordingBus().bus })).toBe(0);
    expect(group.template).toEqual({ templateId: lt.id, version: '1' });
    expect(images(group)).toEqual(['ami-old0000', 'ami-old0000']);
  });

  it('amazon-asg appends to its rollout_record file, which bake rollback --manifest reads (newest record wins)', async () => {
    const { lt, group } = seed(fake.world, '2');
    fake.world.addImage(REGION, 'ami-new0002');
    const record = join(mkdtempSync(join(tmpdir(), 'bake-record-')), 'rollouts.json');
    for (const ami of ['ami-new0001', 'ami-new0002']) {
      await makeAsg({ auto_scaling_group_names: ['web'], rollout_record: record, instance_refresh: { poll_interval: '10ms' } }).run(makePostProcessContext(), ebsArtifact({ [REGION]: ami }));
    }
    const records = JSON.parse(readFileSync(record, 'utf8'));
    expect(records.map((r: { images: object; rollout: { previous: { resolvedVersion: number } }[] }) => [r.images, r.rollout[0].previous.resolvedVersion])).toEqual([
      [{ [REGION]: 'ami-new0001' }, 2],
      [{ [REGION]: 'ami-new0002' }, 3],
    ]);
    expect(group.template?.version).toBe('4');
    expect(await rollbackCommand({ ...fast, asg: 'web', manifest: record }, { bus: recordingBus().bus })).toBe(0);
    expect(group.template).toEqual({ templateId: lt.id, version: '3' });
    expect(fake.world.imageOf(REGION, group)).toBe('ami-new0001');
  });

  it('rolls a launch configuration group back to the configuration before', async () => {
    const r = fake.world.region(REGION);
    fake.world.addImage(REGION, 'ami-old0001');
    fake.world.addImage(REGION, 'ami-new0001');
    fake.world.addConfiguration(REGION, 'app-lc', 'ami-old0001');
    const group = fake.world.addGroup(REGION, { name: 'app', configuration: 'app-lc' });
    await rolloutCommand({ ...fast, ami: 'ami-new0001', asg: ['app'] }, { bus: recordingBus().bus });
    expect(group.configuration).toMatch(/^app-lc-bake-/);
    expect(await rollbackCommand({ ...fast, asg: 'app' }, { bus: recordingBus().bus })).toBe(0);
    expect(group.configuration).toBe('app-lc');
    expect(images(group)).toEqual(['ami-old0001', 'ami-old0001']);
    expect(r.configurations.size).toBe(2);
  });

  it('a dry run changes nothing', async () => {
    seed(fake.world);
    const before = fake.world.snapshot(REGION);
    const out = recordingBus();
    expect(await rolloutCommand({ ...fast, ami: 'ami-new0001', asg: ['web'], dryRun: true }, { bus: out.bus })).toBe(0);
    expect(await rollbackCommand({ ...fast, asg: 'web', toVersion: '1', dryRun: true }, { bus: out.bus })).toBe(0);
    expect(fake.world.snapshot(REGION)).toBe(before);
    expect(out.lines()).toContain('info: dry run: web (us-east-1): go back from launch template web-lt version $Default = 2 (ami-old0001) to launch template web-lt version $Default = 1 (ami-old0000)');
  });

  it('refuses bad flags before any AWS call', async () => {
    await expect(rolloutCommand({ ...fast, asg: ['web'] })).rejects.toThrow('--ami: expected an AMI id like ami-0123456789abcdef0, got nothing');
    await expect(rolloutCommand({ ...fast, asg: ['web'], ami: ['us-east-1:ami-1'] })).rejects.toThrow('--ami us-east-1:ami-1: expected an AMI id like ami-0123456789abcdef0, or region=ami-…');
    await expect(rolloutCommand({ ...fast, ami: 'ami-new0001' })).rejects.toThrow('name the groups to update with --asg NAME or --asg-tag key=value');
    await expect(rolloutCommand({ ...fast, ami: 'ami-new0001', asg: ['web'], minHealthy: '150' })).rejects.toThrow(
      'refresh options.min_healthy_percentage: must be between 0 and 100, got 150',
    );
    await expect(rollbackCommand({ ...fast })).rejects.toThrow('--asg NAME is required: the Auto Scaling group to roll back');
    await expect(rollbackCommand({ ...fast, asg: 'web', toVersion: '2', manifest: 'm.json' })).rejects.toThrow('give at most one of --to-version, --to-configuration and --manifest');
    expect(fake.world.calls).toEqual([]);
  });

  it('rollback says when there is nothing older to go back to', async () => {
    fake.world.addImage(REGION, 'ami-old0001');
    const lt = fake.world.addTemplate(REGION, 'solo-lt', ['ami-old0001']);
    fake.world.addGroup(REGION, { name: 'solo', template: { templateId: lt.id, version: '$Default' } });
    await expect(rollbackCommand({ ...fast, asg: 'solo' }, { bus: recordingBus().bus })).rejects.toThrow(
      'Auto Scaling group solo in us-east-1: no version of solo-lt older than 1 launches another AMI than ami-old0001; nothing to roll back to (use --to-version)',
    );
  });
});

describe('bake prune', () => {
  it('refuses --keep 0 and a prune that names no images, changing nothing', async () => {
    fake.world.addImage(REGION, 'ami-00000001', { name: 'web-1' });
    await expect(pruneCommand({ region: [REGION], namePrefix: 'web-', keep: '0' }, { bus: recordingBus().bus })).rejects.toThrow(
      '--keep: must be at least 1 (got 0); bake never removes every image, the newest one is what your groups roll back to',
    );
    await expect(pruneCommand({ region: [REGION], keep: '2' }, { bus: recordingBus().bus })).rejects.toThrow('prune needs --name-prefix or --tag: bake removes only the images you name');
    await expect(pruneCommand({ region: [REGION], namePrefix: 'web-', keep: '1', olderThan: 'a month' })).rejects.toThrow('--older-than=a month: expected a duration like "30d" or "12h"');
    expect(fake.world.region(REGION).images.size).toBe(1);
  });

  it('removes old unused AMIs by tag in every region given, keeping the ones in use', async () => {
    const other = 'eu-west-1';
    for (const region of [REGION, other]) {
      ['1', '2', '3'].forEach((n) => fake.world.addImage(region, `ami-0000000${n}`, { name: `web-${n}`, created: `2026-01-0${n}T00:00:00.000Z`, tags: { role: 'web' } }));
    }
    const lt = fake.world.addTemplate(REGION, 'web-lt', ['ami-00000001']);
    fake.world.addGroup(REGION, { name: 'web', template: { templateId: lt.id, version: '1' }, size: 1 });
    const out = recordingBus();
    expect(await pruneCommand({ region: [`${REGION},${other}`], tag: ['role=web'], keep: '1' }, { bus: out.bus })).toBe(0);
    expect([...fake.world.region(REGION).images.keys()].sort()).toEqual(['ami-00000001', 'ami-00000003']);
    expect([...fake.world.region(other).images.keys()]).toEqual(['ami-00000003']);
    expect(out.lines()).toContain(
      'info: kept ami-00000001 (web-1, 2026-01-01) in us-east-1: in use by launch template web-lt version 1, Auto Scaling group web, instance i-00000002',
    );
    expect(out.lines()).toContain('say: Removed 3 AMI(s), kept 3');
  });
});
