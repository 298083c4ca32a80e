import { describe, expect, it } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import type { FakeOpenstack } from '../../fakes/openstack/index.js';
import { makeBuildContext } from '../../helpers/context.js';
import type { TestSshd } from '../../helpers/sshd.js';
import { baseConfig, provisioningContext, resolved, useFakeCloudWithSshd } from './harness.js';

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
