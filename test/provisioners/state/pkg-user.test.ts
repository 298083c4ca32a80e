import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, resolveSshConfig } from '../../../src/communicator/index.js';
import { plugin } from '../../../src/provisioners/state/index.js';
import { makeProvisionContext } from '../../helpers/context.js';
import { outcomes, startGuest, type Guest } from './guest.js';

let g: Guest;
beforeAll(async () => {
  g = await startGuest();
}, 900_000);
afterAll(async () => {
  await g?.stop();
});

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBz7m9bJtQ4a6Jmh0z3OQ9W0c8n1m0C6g2n3Z1kq3J8B deploy@ci';

describe('pkg.* with apt on a real Debian system (packages from the image\'s apt cache)', () => {
  it('pkg.installed installs, then reports no change; pkg.latest is satisfied; pkg.removed removes', async () => {
    const install = { hello: { 'pkg.installed': {} }, tools: { 'pkg.installed': { pkgs: ['tree'] } } };
    expect(Object.values(outcomes(await g.run(install, { test: true })))).toEqual(['would change', 'would change']);
    expect(g.sys.run("dpkg-query -W -f='${Status}' hello 2>/dev/null || echo absent")).toBe('absent\n');
    const first = await g.run(install);
    expect(outcomes(first)).toEqual({ 'hello pkg.installed': 'changed', 'tools pkg.installed': 'changed' });
    expect(first.results[0].changes).toEqual({ hello: { old: '', new: '2.10-3' } });
    expect(g.sys.run('dpkg-query -W -f=\'${Status}\' hello')).toBe('install ok installed');
    expect(Object.values(outcomes(await g.run(install)))).toEqual(['ok', 'ok']);
    expect(outcomes(await g.run({ hello: { 'pkg.latest': {} } }))).toEqual({ 'hello pkg.latest': 'ok' });

    const remove = { tree: { 'pkg.removed': {} } };
    expect(outcomes(await g.run(remove, { test: true }))).toEqual({ 'tree pkg.removed': 'would change' });
    expect(g.sys.run("dpkg-query -W -f='${Status}' tree")).toBe('install ok installed');
    const removed = await g.run(remove);
    expect(removed.results[0].changes).toEqual({ tree: { old: '2.1.0-1', new: '' } });
    expect(outcomes(await g.run(remove))).toEqual({ 'tree pkg.removed': 'ok' });
  });

  it('fails with apt\'s own message for a package that does not exist', async () => {
    const out = await g.run({ nope: { 'pkg.installed': { name: 'no-such-package-bake' } } });
    expect(outcomes(out)['nope pkg.installed']).toMatch(/^failed: installing no-such-package-bake exited with 100: .*Unable to locate package no-such-package-bake/);
  });
});

describe('group.present, user.present, user.absent on a real Debian system', () => {
  it('creates a group and a user with uid, shell, groups and an authorized key, then reports no change', async () => {
    const states = {
      deploy: { 'group.present': { gid: 2500 } },
      ops: { 'group.present': {} },
      alice: {
        'user.present': {
          uid: 2501,
          shell: '/bin/bash',
          home: '/home/alice',
          groups: ['deploy', 'ops'],
          fullname: 'Alice Ops',
          ssh_authorized_keys: [KEY],
          require: [{ group: 'deploy' }, { group: 'ops' }],
        },
      },
    };
    expect(Object.values(outcomes(await g.run(states, { test: true })))).toEqual(['would change', 'would change', 'would change']);
    expect(g.sys.run('getent passwd alice; getent group deploy; echo none')).toBe('none\n');
    const first = await g.run(states);
    expect(Object.values(outcomes(first))).toEqual(['changed', 'changed', 'changed']);
    expect(g.sys.run('getent passwd alice').trim()).toMatch(/^alice:x:2501:\d+:Alice Ops:\/home\/alice:\/bin\/bash$/);
    expect(g.sys.run('id -Gn alice').trim()).toBe('alice deploy ops');
    expect(g.sys.run('getent group deploy').trim()).toBe('deploy:x:2500:alice');
    const keys = join(g.sys.root, 'home/alice/.ssh/authorized_keys');
    expect(readFileSync(keys, 'utf8')).toBe(`${KEY}\n`);
    expect((statSync(keys).mode & 0o777).toString(8)).toBe('600');
    expect(statSync(keys).uid).toBe(2501);
    expect(Object.values(outcomes(await g.run(states)))).toEqual(['ok', 'ok', 'ok']);
  });

  it('corrects drift: shell, extra groups, missing key; members of a group; password by hash', async () => {
    g.sys.run('usermod -s /bin/sh -aG users alice; : > /home/alice/.ssh/authorized_keys');
    const hash = '$6$salt$abcdefghijklmnopqrstuv';
    const states = {
      alice: { 'user.present': { shell: '/bin/bash', groups: ['deploy', 'ops'], ssh_authorized_keys: [KEY], password: hash } },
      ops: { 'group.present': { members: ['alice', 'daemon'] } },
    };
    const out = await g.run(states);
    expect(out.results[0].changes).toEqual({
      shell: { old: '/bin/sh', new: '/bin/bash' },
      groups: { old: ['deploy', 'ops', 'users'], new: ['deploy', 'ops'] },
      password: 'changed',
      ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBz7m9bJtQ4a6Jmh0z3OQ9W0c8n1m0C6g2n3Z1kq3J8B deploy@ci'],
    });
    expect(out.results[1].changes).toEqual({ added: ['daemon'] });
    expect(JSON.stringify(out.results)).not.toContain(hash);
    expect(g.sys.run('getent shadow alice').split(':')[1]).toBe(hash);
    expect(g.sys.run('getent group ops').trim()).toMatch(/^ops:x:\d+:alice,daemon$/);
    expect(Object.values(outcomes(await g.run(states)))).toEqual(['ok', 'ok']);
  });

  it('user.absent removes the user (and with purge its home), then reports no change', async () => {
    const states = { alice: { 'user.absent': { purge: true } } };
    expect(outcomes(await g.run(states))).toEqual({ 'alice user.absent': 'changed' });
    expect(g.sys.run('getent passwd alice || echo gone').trim()).toBe('gone');
    expect(outcomes(await g.run(states))).toEqual({ 'alice user.absent': 'ok' });
  });
});

describe('use_sudo: a login that is not root', () => {
  it('applies states through sudo -n, and new files belong to root', async () => {
    g.sys.run(
      'useradd -m -s /bin/sh -p "*" builder && mkdir -p /home/builder/.ssh && cp /root/.ssh/authorized_keys /home/builder/.ssh/ && chown -R builder: /home/builder/.ssh && echo "builder ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/builder',
    );
    const env = { file: 't.json', path: 'builders[0]', templateDir: process.cwd() };
    const ctx = makeProvisionContext();
    const options = resolveSshConfig({ ssh_username: 'builder', ssh_timeout: '20s' }, { host: g.sys.host, port: g.sys.port, privateKey: g.sys.privateKey }, env);
    const comm = await connectSsh(options, { log: ctx.log, signal: ctx.signal });
    try {
      const states = { '/etc/built-by': { 'file.managed': { contents: 'bake\n', mode: '0640' } }, sudoers: { 'group.present': { name: 'bakers' } } };
      const config = { states, use_sudo: true, verify_idempotent: true };
      await plugin.create(config, { ...env, path: 'provisioners[0]' }).run(ctx, comm);
      const st = statSync(join(g.sys.root, 'etc/built-by'));
      expect([st.uid, (st.mode & 0o777).toString(8)]).toEqual([0, '640']);
      expect(g.sys.run('getent group bakers').startsWith('bakers:')).toBe(true);

      const without = plugin.create({ states: { '/etc/not-mine': { 'file.managed': { contents: 'x' } } } }, { ...env, path: 'provisioners[0]' });
      await expect(without.run(makeProvisionContext(), comm)).rejects.toThrow(
        /^state provisioner: 1 of 1 states failed: \/etc\/not-mine \(file\.managed\); first: writing \/etc\/not-mine exited with 1: .*Permission denied/,
      );
    } finally {
      await comm.close();
    }
  });
});

