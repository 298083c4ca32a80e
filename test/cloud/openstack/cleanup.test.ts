import { describe, expect, it } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import { cleanupOpenstackLeftovers, findOpenstackTagged } from '../../../src/cloud/openstack/index.js';
import { Journal } from '../../../src/core/journal.js';
import { makeBuildContext } from '../../helpers/context.js';
import type { TestSshd } from '../../helpers/sshd.js';
import type { FakeOpenstack } from '../../fakes/openstack/index.js';
import { baseConfig, resolved, useFakeCloudWithSshd } from '../../builders/openstack/harness.js';

let sshd: TestSshd;
let cloud: FakeOpenstack;
useFakeCloudWithSshd((s) => (sshd = s), (c) => (cloud = c));

/** A build that fails while provisioning with -on-error=abort leaves everything in place, as a killed run would. */
async function abandonedBuild() {
  const ctx = makeBuildContext({
    onError: 'abort',
    provision: async () => {
      throw new Error('provisioning failed');
    },
  });
  const config = resolved(baseConfig(cloud, sshd, { use_blockstorage_volume: true, volume_size: 4, floating_ip_network: 'public' }));
  await expect(new OpenstackBuilder(config).run(ctx)).rejects.toThrow('provisioning failed');
  return ctx;
}

describe('cleanupOpenstackLeftovers', () => {
  it('removes what the journal recorded, in dependency order, with credentials from OS_* variables', async () => {
    const ctx = await abandonedBuild();
    expect(cloud.state.leftovers()).toHaveLength(4);
    const kept = Journal.open(ctx.journalPath);
    // The temporary key written for the printed ssh line is local: bake cleanup's local pass removes it.
    expect(kept.map((r) => r.type).sort()).toEqual(['local:path', 'openstack:floating-ip', 'openstack:key-pair', 'openstack:server', 'openstack:volume']);
    const open = kept.filter((r) => r.type.startsWith('openstack:'));
    expect(open[0].details).toEqual({ auth_url: cloud.authUrl, project: 'proj-0001' });

    const env = { OS_USERNAME: 'demo', OS_PASSWORD: 'secret' };
    const report = await cleanupOpenstackLeftovers(open, { env, waitMs: 10_000, onRemoved: (r) => ctx.journal.removed(r) });
    expect(report.failed).toEqual([]);
    expect(report.removed.map((r) => r.type)).toEqual(['openstack:server', 'openstack:floating-ip', 'openstack:key-pair', 'openstack:volume']);
    expect(cloud.state.leftovers()).toEqual([]);
    expect(Journal.open(ctx.journalPath).map((r) => r.type)).toEqual(['local:path']);
  });

  it('lists without deleting on a dry run, and leaves alone what another build owns', async () => {
    const ctx = await abandonedBuild();
    const open = Journal.open(ctx.journalPath).filter((r) => r.type.startsWith('openstack:'));
    const server = open.find((r) => r.type === 'openstack:server')!;
    const env = { OS_USERNAME: 'demo', OS_PASSWORD: 'secret' };
    const dry = await cleanupOpenstackLeftovers(open, { env, dryRun: true });
    expect(dry.wouldRemove).toHaveLength(4);
    expect(cloud.state.leftovers()).toHaveLength(4);

    cloud.state.servers.get(server.id)!.metadata['bake:build-id'] = 'someone-else';
    const report = await cleanupOpenstackLeftovers([server], { env });
    expect(report.skipped).toEqual([server]);
    expect(cloud.state.servers.get(server.id)!.deleted).toBeUndefined();
  });

  it('finds by their bake:build-id what the journal never recorded, and removes it', async () => {
    await abandonedBuild();
    cloud.state.seedImage('finished', { properties: { 'bake:build-id': 'old-build' } });
    const auth = { template: { authUrl: cloud.authUrl, username: 'demo', password: 'secret', projectName: 'demo' }, env: {} };
    const found = await findOpenstackTagged({ auth });
    expect(found.map((r) => r.type).sort()).toEqual(['openstack:floating-ip', 'openstack:key-pair', 'openstack:server', 'openstack:volume']);
    expect(new Set(found.map((r) => r.buildId))).toEqual(new Set(['bake-test-0001']));
    const report = await cleanupOpenstackLeftovers(found, { auth: auth.template, env: {}, waitMs: 10_000 });
    expect(report.failed).toEqual([]);
    expect(cloud.state.leftovers()).toEqual([]);
    expect([...cloud.state.images.values()].some((i) => i.name === 'finished')).toBe(true);
  });
});
