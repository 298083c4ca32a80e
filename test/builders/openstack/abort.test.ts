import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import { cleanupCommand } from '../../../src/cli/cleanup-command.js';
import { isAbort } from '../../../src/core/errors.js';
import { Journal } from '../../../src/core/journal.js';
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

describe('openstack builder: -on-error=abort', () => {
  it('keeps the server, prints an ssh command with the temporary key that logs in, and the printed bake cleanup removes it all', async () => {
    const base = provisioningContext([]);
    // No owner: the bake that ran the build has exited by the time bake cleanup runs (this test's process has not).
    const ctx = {
      ...base,
      onError: 'abort' as const,
      journal: new Journal(base.journalPath, base.buildId, base.buildName, null),
      provision: async () => {
        throw new Error('shell provisioner: inline[0] exited with 1');
      },
    };
    await expect(new OpenstackBuilder(resolved(baseConfig(cloud, sshd))).run(ctx)).rejects.toThrow('shell provisioner: inline[0] exited with 1');
    const server = cloud.state.leftovers().find((r) => r.startsWith('server '))!.slice('server '.length);
    const texts = base.events.map((e) => e.text);
    // Before, nothing said how to reach the server, and its temporary key existed only in bake's memory.
    const keyFile = join(dirname(base.journalPath), 'keys', `${ctx.buildId}.pem`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const line = texts.find((t) => t.startsWith(`The server ${server}: `))?.slice(`The server ${server}: `.length);
    expect(line, texts.join('\n')).toBe(`ssh -i '${keyFile}' -p ${sshd.port} ${sshd.username}@127.0.0.1`);
    const cmd = line!.replace(/^ssh /, 'ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR ');
    expect(execFileSync('sh', ['-c', `${cmd} echo inside`], { encoding: 'utf8', timeout: 20_000 })).toBe('inside\n');
    expect(texts).toContain(`Remove them with: bake cleanup --build-id ${ctx.buildId}${process.env.BAKE_JOURNAL ? ` --journal ${base.journalPath}` : ''}`);

    const saved = { OS_USERNAME: process.env.OS_USERNAME, OS_PASSWORD: process.env.OS_PASSWORD };
    Object.assign(process.env, { OS_USERNAME: 'demo', OS_PASSWORD: 'secret' });
    try {
      expect(await cleanupCommand({ buildId: ctx.buildId, journal: base.journalPath })).toBe(0);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    expect(cloud.state.leftovers()).toEqual([]);
    expect(existsSync(keyFile)).toBe(false);
    expect(Journal.open(base.journalPath)).toEqual([]);
  });
});
