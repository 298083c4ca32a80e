import { describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import { isAbort } from '../../../src/core/errors.js';
import type { TestSshd } from '../../helpers/sshd.js';
import type { FakeOpenstack } from '../../fakes/openstack/index.js';
import { baseConfig, openJournal, provisioningContext, resolved, useFakeCloudWithSshd } from './harness.js';

// The fake cloud changes a resource's state at each poll: the builder's waits poll without pausing.
const { shortPolls } = await vi.hoisted(() => import('../../helpers/short-waits.js'));
vi.mock('../../../src/core/wait.js', () => shortPolls());

let sshd: TestSshd;
let cloud: FakeOpenstack;
useFakeCloudWithSshd((s) => (sshd = s), (c) => (cloud = c));

/** The request that marks each step; the build is aborted (as by Ctrl-C) the moment it reaches the cloud. */
const MOMENTS: [string, RegExp][] = [
  ['authenticate', /^POST \/identity\/v3\/auth\/tokens$/],
  ['source image', /^GET \/image\/v2\/images$/],
  ['flavor', /^GET \/compute\/v2\.1\/flavors\/detail$/],
  ['networks', /^GET \/network\/v2\.0\/networks$/],
  ['key pair', /^POST \/compute\/v2\.1\/os-keypairs$/],
  ['volume', /^POST \/volume\/v3\/[^/]+\/volumes$/],
  ['volume wait', /^GET \/volume\/v3\/[^/]+\/volumes\/vol-/],
  ['server', /^POST \/compute\/v2\.1\/servers$/],
  ['server wait', /^GET \/compute\/v2\.1\/servers\/srv-/],
  ['floating IP', /^POST \/network\/v2\.0\/floatingips$/],
  ['floating IP association', /^PUT \/network\/v2\.0\/floatingips\//],
  ['stop', /^POST \/compute\/v2\.1\/servers\/srv-[^/]+\/action$/],
  ['image upload', /^POST \/volume\/v3\/[^/]+\/volumes\/vol-[^/]+\/action$/],
  ['image wait', /^GET \/image\/v2\/images\/img-/],
  ['image settings', /^PATCH \/image\/v2\/images\//],
];

describe('openstack builder: Ctrl-C at each step leaves nothing behind', () => {
  for (const [moment, pattern] of MOMENTS) {
    it(`aborted at ${moment}`, async () => {
      const ctx = provisioningContext([]);
      let hit = false;
      cloud.state.onRequest = (line) => {
        if (!hit && pattern.test(line)) {
          hit = true;
          ctx.controller.abort('interrupted');
        }
      };
      const config = resolved(
        baseConfig(cloud, sshd, { use_blockstorage_volume: true, volume_size: 4, floating_ip_network: 'public', image_visibility: 'public', image_tags: ['x'] }),
      );
      const err = await new OpenstackBuilder(config).run(ctx).then(() => undefined, (e: unknown) => e);
      expect(hit).toBe(true);
      expect(isAbort(err)).toBe(true);
      expect(cloud.state.leftovers()).toEqual([]);
      expect(cloud.state.createdImages()).toEqual([]);
      expect(openJournal(ctx)).toEqual([]);
    });
  }

  it('aborted while provisioning', async () => {
    const ctx = provisioningContext([]);
    const config = resolved(baseConfig(cloud, sshd, { floating_ip_network: 'public' }));
    const builder = new OpenstackBuilder(config);
    const err = await builder
      .run({
        ...ctx,
        provision: async (comm) => {
          const running = comm.exec('sleep 30', { signal: ctx.signal });
          setTimeout(() => ctx.controller.abort('interrupted'), 200);
          await running;
          throw new Error('the command was not interrupted');
        },
      })
      .then(() => undefined, (e: unknown) => e);
    expect(isAbort(err)).toBe(true);
    expect(cloud.state.leftovers()).toEqual([]);
    expect(cloud.state.createdImages()).toEqual([]);
  });
});
