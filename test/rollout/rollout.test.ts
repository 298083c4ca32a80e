import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolloutClients, resolveRefreshOptions, rollout, type SwapContext, type SwapOptions } from '../../src/rollout/index.js';
import { FakeAwsError, installFakeAws, type FakeAws } from '../fakes/asg/index.js';
import { recordingBus } from '../helpers/context.js';

let fake: { world: FakeAws; restore: () => void };
let ctx: SwapContext & { lines: () => string[] };
beforeEach(() => {
  fake = installFakeAws();
  const { bus, lines } = recordingBus();
  ctx = { clients: new RolloutClients({ region: 'us-east-1' }, new AbortController().signal), log: bus.logger('t'), cleanupSignal: () => AbortSignal.timeout(5000), lines };
});
afterEach(async () => {
  await ctx.clients.destroy();
  fake.restore();
});

const swap: SwapOptions = { setDefaultVersion: true, versionDescription: 'bake', keepLaunchConfigurations: 2 };
const refresh = (extra = {}) => resolveRefreshOptions({ poll_interval: '10ms', timeout: '5s', ...extra });

function groupIn(region: string, ami: string, version = '$Default') {
  fake.world.addImage(region, ami);
  const lt = fake.world.addTemplate(region, 'web-lt', ['ami-0000old1']);
  const group = fake.world.addGroup(region, { name: 'web', template: { templateId: lt.id, version } });
  return { lt, group };
}

describe('rollout', () => {
  it('updates the group of the same name in every region the AMI was copied to', async () => {
    const east = groupIn('us-east-1', 'ami-0east001');
    const west = groupIn('eu-west-1', 'ami-0west001');
    const changes = await rollout(ctx, { images: { 'us-east-1': 'ami-0east001', 'eu-west-1': 'ami-0west001' }, selector: { names: ['web'] }, swap, refresh: refresh(), dryRun: false });
    expect(changes.map((c) => [c.region, c.next.imageId, c.refresh?.status])).toEqual([
      ['us-east-1', 'ami-0east001', 'Successful'],
      ['eu-west-1', 'ami-0west001', 'Successful'],
    ]);
    expect(fake.world.imageOf('us-east-1', east.group)).toBe('ami-0east001');
    expect(fake.world.imageOf('eu-west-1', west.group)).toBe('ami-0west001');
  });

  it('group_version "exact" moves a $Default group onto the new number', async () => {
    const { lt, group } = groupIn('us-east-1', 'ami-0new0001');
    await rollout(ctx, { images: { 'us-east-1': 'ami-0new0001' }, selector: { names: ['web'] }, swap: { ...swap, groupVersion: 'exact' }, refresh: refresh(), dryRun: false });
    expect(group.template).toEqual({ templateId: lt.id, version: '2' });
  });

  it('refuses a $Default group when set_default_version is false, before any change', async () => {
    groupIn('us-east-1', 'ami-0new0001');
    const before = fake.world.snapshot('us-east-1');
    await expect(
      rollout(ctx, { images: { 'us-east-1': 'ami-0new0001' }, selector: { names: ['web'] }, swap: { ...swap, setDefaultVersion: false }, refresh: refresh(), dryRun: false }),
    ).rejects.toThrow(
      'Auto Scaling group web in us-east-1 launches $Default of web-lt and set_default_version is false, so it would never launch ami-0new0001: set set_default_version, or group_version to "exact" or "$Latest"',
    );
    expect(fake.world.snapshot('us-east-1')).toBe(before);
  });

  it('with replace_running cancels the running refresh and starts its own', async () => {
    const { group } = groupIn('us-east-1', 'ami-0new0001', '1');
    fake.world.region('us-east-1').refreshes.push({ id: 'refresh-other', group: 'web', status: 'InProgress', percent: 10, autoRollback: false, before: {}, started: new Date() });
    await rollout(ctx, { images: { 'us-east-1': 'ami-0new0001' }, selector: { names: ['web'] }, swap, refresh: refresh({ replace_running: true }), dryRun: false });
    expect(fake.world.region('us-east-1').refreshes.map((r) => [r.id, r.status])).toEqual([
      ['refresh-other', 'Cancelled'],
      [expect.stringMatching(/^refresh-/), 'Successful'],
    ]);
    expect(fake.world.imageOf('us-east-1', group)).toBe('ami-0new0001');
    expect(ctx.lines()).toContain('warn: web: cancelling running instance refresh refresh-other (replace_running)');
  });

  it('with wait false returns once the refresh started', async () => {
    groupIn('us-east-1', 'ami-0new0001');
    const [c] = await rollout(ctx, { images: { 'us-east-1': 'ami-0new0001' }, selector: { names: ['web'] }, swap, refresh: refresh({ wait: false }), dryRun: false });
    expect(c.refresh).toEqual({ id: expect.stringMatching(/^refresh-/), status: 'Pending' });
    expect(fake.world.region('us-east-1').refreshes[0].status).toBe('Pending');
  });

  it('a failure half-way (AWS refuses to start the refresh) removes the new version and restores the default and the group', async () => {
    groupIn('us-east-1', 'ami-0new0001');
    const before = fake.world.snapshot('us-east-1');
    fake.world.failNext('StartInstanceRefresh', new FakeAwsError('LimitExceeded', 'too many refreshes'));
    await expect(rollout(ctx, { images: { 'us-east-1': 'ami-0new0001' }, selector: { names: ['web'] }, swap, refresh: refresh(), dryRun: false })).rejects.toThrow(
      'Auto Scaling group web in us-east-1: start an instance refresh of web in us-east-1: LimitExceeded: too many refreshes; the group is back on launch template web-lt version $Default = 1 (ami-0000old1)',
    );
    expect(fake.world.snapshot('us-east-1')).toBe(before);
  });
});
