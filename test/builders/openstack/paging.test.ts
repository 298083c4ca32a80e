import { describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import { cleanupOpenstackLeftovers, findOpenstackTagged, resolveAuth, Session } from '../../../src/cloud/openstack/index.js';
import { FaultInjector } from '../../fakes/faults.js';
import type { FakeOpenstack } from '../../fakes/openstack/index.js';
import { makeBuildContext } from '../../helpers/context.js';
import type { TestSshd } from '../../helpers/sshd.js';
import { baseConfig, provisioningContext, resolved, useFakeCloudWithSshd } from './harness.js';

// The fake cloud changes a resource's state at each poll: the builder's waits poll without pausing.
const { shortPolls } = await vi.hoisted(() => import('../../helpers/short-waits.js'));
vi.mock('../../../src/core/wait.js', () => shortPolls());

let sshd: TestSshd;
let cloud: FakeOpenstack;
useFakeCloudWithSshd((s) => (sshd = s), (c) => (cloud = c));

describe('Glance lists are followed through every `next` page (the fake answers two images a page)', () => {
  it('sees every image of a name, also those on later pages', async () => {
    cloud.state.seedImage('debian-12', { id: 'img-debian-third', created_at: '2025-09-01T00:00:00Z' });
    const run = new OpenstackBuilder(resolved(baseConfig(cloud, sshd, { source_image_name: 'debian-12' }))).run(provisioningContext([]));
    await expect(run).rejects.toThrow('openstack: 3 images match source_image_name "debian-12"');
    expect(cloud.state.requests.filter((r) => r.startsWith('GET /image/v2/images?')).length).toBeGreaterThan(1);
  });

  it('source_image_filter with most_recent picks the newest of several pages', async () => {
    for (let m = 1; m <= 5; m++) cloud.state.seedImage('debian-13', { id: `img-d13-${m}`, created_at: `2026-0${m}-01T00:00:00Z` });
    const config = resolved(baseConfig(cloud, sshd, { source_image_name: undefined, source_image_filter: { filters: { name: 'debian-13' }, most_recent: true }, communicator: 'none', skip_create_image: true } as never));
    const ctx = makeBuildContext({ buildName: 'openstack', buildType: 'openstack' });
    await new OpenstackBuilder(config).run(ctx);
    expect(ctx.events.map((e) => e.text)).toContain('Using source image debian-13 (img-d13-5)');
  });
});

/** Servers, key pairs, floating IPs and volumes that are not the build's, made before it: the build's own come on page 2. */
function seedOthers(cloud: FakeOpenstack): string[] {
  for (const n of [1, 2]) {
    cloud.state.servers.set(`srv-other-${n}`, { id: `srv-other-${n}`, name: `other-${n}`, status: 'ACTIVE', polls: 0, flavorRef: 'flv-small', networks: [], metadata: {}, request: {} });
    cloud.state.keypairs.set(`other-${n}`, 'ssh-ed25519 AAAA other');
    cloud.state.floatingIps.set(`fip-other-${n}`, { id: `fip-other-${n}`, floating_ip_address: `203.0.113.${n}`, floating_network_id: 'net-public', port_id: `port-other-${n}`, description: '', seeded: true });
    cloud.state.volumes.set(`vol-other-${n}`, { id: `vol-other-${n}`, name: `other-${n}`, size: 1, status: 'available', polls: 0, metadata: {} });
  }
  return cloud.state.leftovers();
}

const fastBuild = { communicator: 'none', skip_create_image: true } as never;

describe('Nova, Neutron and Cinder lists are followed through every `marker` page (the fake answers two items a page)', () => {
  it('the fake pages as the API references show: `limit`, `marker`, and a `<key>_links` next link', async () => {
    seedOthers(cloud);
    const auth = resolveAuth({ template: { authUrl: cloud.authUrl, username: 'demo', password: 'secret', projectName: 'demo' }, env: {} });
    const s = new Session(auth);
    type Page = Record<string, { id?: string; rel?: string; href?: string }[]>;
    cloud.state.servers.set('srv-other-3', { ...cloud.state.servers.get('srv-other-1')!, id: 'srv-other-3' });
    const first = await s.get<Page>('compute', '/servers/detail', { what: 'list' });
    expect(first.servers.map((x) => x.id)).toEqual(['srv-other-1', 'srv-other-2']);
    expect(first.servers_links).toEqual([{ rel: 'next', href: `${cloud.url}/compute/v2.1/servers/detail?limit=2&marker=srv-other-2` }]);
    const last = await s.get<Page>('compute', '/servers/detail?marker=srv-other-2', { what: 'list' });
    expect(last.servers.map((x) => x.id)).toEqual(['srv-other-3']);
    expect(last.servers_links).toBeUndefined();
    const one = await s.get<Page>('network', '/v2.0/floatingips?limit=1', { what: 'list' });
    expect(one.floatingips.map((x) => x.id)).toEqual(['fip-other-1']);
    expect(one.floatingips_links[0].href).toContain('marker=fip-other-1');
    await expect(s.get('compute', '/servers/detail?marker=nope', { what: 'list servers' })).rejects.toThrow('openstack: list servers: marker [nope] not found (HTTP 400)');
  });

  it('a server whose create answer was lost is found again on page 2, not launched twice', async () => {
    const others = seedOthers(cloud);
    const config = () => resolved(baseConfig(cloud, sshd, fastBuild));
    // A first build counts the requests, so the second can lose the answer to its POST /servers.
    const counter = new FaultInjector();
    cloud.state.injector = counter;
    await new OpenstackBuilder(config()).run(makeBuildContext({ buildName: 'openstack', buildType: 'openstack' }));
    const at = counter.calls.indexOf('POST /servers') + 1;
    cloud.state.injector = new FaultInjector(at, 'lost');
    const launched = cloud.state.servers.size;
    const ctx = makeBuildContext({ buildName: 'openstack', buildType: 'openstack' });
    await new OpenstackBuilder(config()).run(ctx);
    expect(cloud.state.injector.fired?.command).toBe('POST /servers');
    expect(cloud.state.servers.size).toBe(launched + 1);
    expect(ctx.events.map((e) => e.text)).toContainEqual(expect.stringMatching(/^Server srv-\S+ was launched by a request whose answer was lost; using it$/));
    expect(cloud.state.leftovers()).toEqual(others);
  });

  it('reuse_ips finds the free floating IP on page 2 instead of allocating one', async () => {
    seedOthers(cloud);
    cloud.state.floatingIps.set('fip-free', { id: 'fip-free', floating_ip_address: '127.0.0.1', floating_network_id: 'net-public', port_id: null, description: '', seeded: true });
    const ctx = makeBuildContext({ buildName: 'openstack', buildType: 'openstack' });
    await new OpenstackBuilder(resolved(baseConfig(cloud, sshd, { ...(fastBuild as object), floating_ip_network: 'public', reuse_ips: true } as never))).run(ctx);
    expect(ctx.events.map((e) => e.text)).toContain('Reusing floating IP 127.0.0.1');
    expect(cloud.state.requests.filter((r) => r.startsWith('POST /network/v2.0/floatingips'))).toEqual([]);
  });

  it("`bake cleanup` finds a killed build's tagged server, key pair, floating IP and volume on page 2", async () => {
    const others = seedOthers(cloud);
    const ctx = makeBuildContext({
      onError: 'abort',
      provision: async () => {
        throw new Error('provisioning failed');
      },
    });
    const config = resolved(baseConfig(cloud, sshd, { use_blockstorage_volume: true, volume_size: 4, floating_ip_network: 'public' }));
    await expect(new OpenstackBuilder(config).run(ctx)).rejects.toThrow('provisioning failed');
    const auth = { template: { authUrl: cloud.authUrl, username: 'demo', password: 'secret', projectName: 'demo' }, env: {} };
    const found = await findOpenstackTagged({ auth });
    expect(found.map((r) => r.type).sort()).toEqual(['openstack:floating-ip', 'openstack:key-pair', 'openstack:server', 'openstack:volume']);
    const report = await cleanupOpenstackLeftovers(found, { auth: auth.template, env: {}, waitMs: 10_000 });
    expect(report.failed).toEqual([]);
    expect(cloud.state.leftovers()).toEqual(others);
  });
});
