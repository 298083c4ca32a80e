import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plugin } from '../../../src/postprocessors/amazon-ami-retention/index.js';
import { validatorFor } from '../../../src/template/load/ajv.js';
import { installFakeAws, type FakeAws } from '../../fakes/asg/index.js';
import { makePostProcessContext } from '../../helpers/context.js';
import { ebsArtifact } from '../amazon-asg/setup.js';

const R = 'eu-west-1';
let fake: { world: FakeAws; restore: () => void };
beforeEach(() => {
  fake = installFakeAws();
});
afterEach(() => fake.restore());

function make(config: Record<string, unknown>) {
  const c = structuredClone(config);
  const validate = validatorFor(plugin.schema);
  if (!validate(c)) throw new Error(JSON.stringify(validate.errors));
  return plugin.create(c, { file: 't.json', path: 'post-processors[1]', templateDir: process.cwd() });
}

/** Six images of build "test", one a day in January; each user holds one of them. */
function family() {
  const ids = ['ami-00000001', 'ami-00000002', 'ami-00000003', 'ami-00000004', 'ami-00000005', 'ami-00000006'];
  ids.forEach((id, i) => fake.world.addImage(R, id, { name: `web-2026010${i + 1}`, created: `2026-01-0${i + 1}T00:00:00.000Z`, tags: { 'bake:build': 'test' } }));
  fake.world.addImage(R, 'ami-0other01', { name: 'db-20260101', created: '2026-01-01T00:00:00.000Z', tags: { 'bake:build': 'db' } });
  const lt = fake.world.addTemplate(R, 'web-lt', ['ami-00000001']);
  fake.world.addConfiguration(R, 'web-lc', 'ami-00000002');
  fake.world.region(R).instances.set('i-lonely', { id: 'i-lonely', imageId: 'ami-00000003', state: 'stopped' });
  return { ids, lt };
}

describe('amazon-ami-retention', () => {
  it('keeps the newest, this build\'s AMI and every AMI in use (saying by what), removes the rest with their snapshots', async () => {
    family();
    const ctx = makePostProcessContext();
    const input = ebsArtifact({ [R]: 'ami-00000006' });
    const out = await make({ keep_latest: 2 }).run(ctx, input);
    expect(out.forceKeepInput).toBe(true);
    const r = fake.world.region(R);
    expect([...r.images.keys()].sort()).toEqual(['ami-00000001', 'ami-00000002', 'ami-00000003', 'ami-00000005', 'ami-00000006', 'ami-0other01']);
    expect(r.snapshots.has('snap-00000004')).toBe(false);
    expect(r.snapshots.has('snap-00000005')).toBe(true);
    expect(ctx.events.filter((e) => e.level === 'info').map((e) => e.text)).toEqual([
      `kept ami-00000006 (web-20260106, 2026-01-06) in ${R}: one of the 2 newest`,
      `kept ami-00000005 (web-20260105, 2026-01-05) in ${R}: one of the 2 newest`,
      `removed ami-00000004 (web-20260104, 2026-01-04) in ${R} and snapshot(s) snap-00000004`,
      `kept ami-00000003 (web-20260103, 2026-01-03) in ${R}: in use by instance i-lonely`,
      `kept ami-00000002 (web-20260102, 2026-01-02) in ${R}: in use by launch configuration web-lc`,
      `kept ami-00000001 (web-20260101, 2026-01-01) in ${R}: in use by launch template web-lt version 1`,
    ]);
  });

  it('keeps an AMI an Auto Scaling group launches and one younger than keep_days; a dry run removes nothing', async () => {
    family();
    const day = 86_400_000;
    const fresh = (n: number) => new Date(Date.now() - n * day).toISOString();
    fake.world.addImage(R, 'ami-0fresh01', { name: 'web-fresh1', created: fresh(1), tags: { 'bake:build': 'test' } });
    fake.world.addImage(R, 'ami-0fresh02', { name: 'web-fresh2', created: fresh(2), tags: { 'bake:build': 'test' } });
    const lt2 = fake.world.addTemplate(R, 'api-lt', ['ami-00000001', 'ami-00000004'], 1);
    fake.world.addGroup(R, { name: 'api', template: { templateId: lt2.id, version: '$Latest' }, size: 0 });
    const before = fake.world.snapshot(R);
    const ctx = makePostProcessContext();
    const out = await make({ keep_latest: 1, keep_days: 30, dry_run: true, name_prefix: 'web-' }).run(ctx, ebsArtifact({ [R]: 'ami-0fresh01' }));
    expect(fake.world.snapshot(R)).toBe(before);
    expect(ctx.events.filter((e) => e.level === 'info').map((e) => e.text.replace(/\d{4}-\d\d-\d\d\) in/, 'DATE) in'))).toEqual([
      `kept ami-0fresh01 (web-fresh1, DATE) in ${R}: one of the 1 newest`,
      `kept ami-0fresh02 (web-fresh2, DATE) in ${R}: younger than 30d`,
      `would remove ami-00000006 (web-20260106, DATE) in ${R}: older than the 1 newest and unused`,
      `would remove ami-00000005 (web-20260105, DATE) in ${R}: older than the 1 newest and unused`,
      `kept ami-00000004 (web-20260104, DATE) in ${R}: in use by launch template api-lt version 2, Auto Scaling group api`,
      `kept ami-00000003 (web-20260103, DATE) in ${R}: in use by instance i-lonely`,
      `kept ami-00000002 (web-20260102, DATE) in ${R}: in use by launch configuration web-lc`,
      `kept ami-00000001 (web-20260101, DATE) in ${R}: in use by launch template web-lt version 1, launch template api-lt version 1`,
    ]);
    expect(ctx.events.filter((e) => e.level === 'say').map((e) => e.text)).toEqual(['Dry run: would remove 2 AMI(s), kept 6']);
    expect((out.artifact.metadata.retention as unknown[]).length).toBe(8);
  });

  it('refuses keep_latest 0 when the template is read', () => {
    expect(() => make({ keep_latest: 0 })).toThrow('must be >= 1');
  });
});
