import { lstatSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Communicator } from '../../../src/communicator/types.js';
import { runStates, type StateProvisioner, plugin } from '../../../src/provisioners/state/index.js';
import { makeRemote } from '../../../src/provisioners/state/remote.js';
import { outcomes, startGuest, type Guest } from './guest.js';

let g: Guest;
beforeAll(async () => {
  g = await startGuest();
}, 900_000);
afterAll(async () => {
  await g?.stop();
});

const onGuest = (path: string) => join(g.sys.root, path);

describe('file.* states on a real Debian system', () => {
  it('file.directory, file.managed, file.symlink: the first pass changes, the second reports no change', async () => {
    const states = {
      '/srv/app': { 'file.directory': { mode: '0750', user: 'root', group: 'daemon' } },
      '/srv/app/app.conf': { 'file.managed': { contents: ['port = 8080', 'debug = false'], mode: '0640', require: ['/srv/app'] } },
      '/srv/app/current': { 'file.symlink': { target: '/srv/app/app.conf' } },
      '/srv/deep/er/x.txt': { 'file.managed': { contents: 'x', makedirs: true } },
    };
    const first = await g.run(states);
    expect(outcomes(first)).toEqual({
      '/srv/app file.directory': 'changed',
      '/srv/app/app.conf file.managed': 'changed',
      '/srv/app/current file.symlink': 'changed',
      '/srv/deep/er/x.txt file.managed': 'changed',
    });
    expect(readFileSync(onGuest('/srv/app/app.conf'), 'utf8')).toBe('port = 8080\ndebug = false\n');
    expect((statSync(onGuest('/srv/app/app.conf')).mode & 0o7777).toString(8)).toBe('640');
    expect((statSync(onGuest('/srv/app')).mode & 0o7777).toString(8)).toBe('750');
    expect(statSync(onGuest('/srv/app')).gid).toBe(1);
    expect(readlinkSync(onGuest('/srv/app/current'))).toBe('/srv/app/app.conf');
    expect(readFileSync(onGuest('/srv/deep/er/x.txt'), 'utf8')).toBe('x');

    const second = await g.run(states);
    expect(Object.values(outcomes(second))).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(second.probes).toBe(1);
  });

  it('reports a short diff when content changes, and fixes mode drift alone without re-uploading', async () => {
    await g.run({ '/etc/app.ini': { 'file.managed': { contents: 'a\nb\nc\n' } } });
    const changed = await g.run({ '/etc/app.ini': { 'file.managed': { contents: 'a\nB\nc\n', mode: '0600' } } });
    expect(changed.results[0].changes).toEqual({ mode: { old: '0644', new: '0600' }, diff: '+B\n-b' });
    g.sys.run('chmod 0666 /etc/app.ini');
    const drift = await g.run({ '/etc/app.ini': { 'file.managed': { contents: 'a\nB\nc\n', mode: '0600' } } });
    expect(drift.results[0].changes).toEqual({ mode: { old: '0666', new: '0600' } });
    expect((statSync(onGuest('/etc/app.ini')).mode & 0o777).toString(8)).toBe('600');
  });

  it('uploads a local source, rendered with vars when template is true', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-state-src-'));
    writeFileSync(join(dir, 'motd.tpl'), 'Welcome to {{ .HTTPIP }}\n');
    const first = await g.apply({ states: { '/etc/motd': { 'file.managed': { source: 'motd.tpl', template: true } } }, vars: { HTTPIP: 'build-host' } }, dir);
    expect(first.error).toBeUndefined();
    expect(readFileSync(onGuest('/etc/motd'), 'utf8')).toBe('Welcome to build-host\n');
  });

  it('file.line and file.absent: change once, then no change', async () => {
    g.sys.run("printf 'PermitRootLogin yes\\n#PasswordAuthentication yes\\n' > /etc/demo.conf; touch /tmp/junk");
    const states = {
      pw: { 'file.line': { name: '/etc/demo.conf', match: '^#?PasswordAuthentication', content: 'PasswordAuthentication no', mode: 'ensure' } },
      root: { 'file.line': { name: '/etc/demo.conf', match: '^PermitRootLogin', mode: 'delete' } },
      '/tmp/junk': { 'file.absent': {} },
    };
    expect(Object.values(outcomes(await g.run(states)))).toEqual(['changed', 'changed', 'changed']);
    expect(readFileSync(onGuest('/etc/demo.conf'), 'utf8')).toBe('PasswordAuthentication no\n');
    expect(existsSync(onGuest('/tmp/junk'))).toBe(false);
    expect(Object.values(outcomes(await g.run(states)))).toEqual(['ok', 'ok', 'ok']);
  });

  it('test mode reports what would change and changes nothing', async () => {
    const out = await g.run(
      {
        '/opt/new': { 'file.directory': {} },
        '/opt/new/f': { 'file.managed': { contents: 'x', makedirs: true } },
        '/etc/app.ini': { 'file.absent': {} },
      },
      { test: true },
    );
    expect(outcomes(out)).toEqual({ '/opt/new file.directory': 'would change', '/opt/new/f file.managed': 'would change', '/etc/app.ini file.absent': 'would change' });
    expect(existsSync(onGuest('/opt/new'))).toBe(false);
    expect(existsSync(onGuest('/etc/app.ini'))).toBe(true);
  });

  it('fails a state with the reason and, with fail_fast, runs nothing after it', async () => {
    const states = {
      a: { 'file.managed': { name: '/nonexistent-dir/f', contents: 'x' } },
      b: { 'file.managed': { name: '/tmp/b', contents: 'b' } },
    };
    const fast = await g.run(states);
    expect(outcomes(fast)).toEqual({ 'a file.managed': 'failed: parent directory /nonexistent-dir does not exist (set makedirs: true)' });
    expect(fast.notRun).toEqual(['b']);
    const all = await g.run(states, { failFast: false });
    expect(outcomes(all)['b file.managed']).toBe('changed');
    const res = await g.apply({ states, fail_fast: false });
    expect(res.error?.message).toBe(
      'state provisioner: 1 of 2 states failed: a (file.managed); first: parent directory /nonexistent-dir does not exist (set makedirs: true)',
    );
    expect(res.lines.filter((l) => l.startsWith('say: Applying states: succeeded'))).toEqual([
      expect.stringMatching(/^say: Applying states: succeeded: 1 \(changed=0\), failed: 1, total states run: 2, total run time: \d+\.\d{3} s$/),
    ]);
  });

  it('verify_idempotent fails when a second pass still changes something', async () => {
    const res = await g.apply({
      states: {
        full: { 'file.managed': { name: '/etc/flip', contents: 'one\n' } },
        line: { 'file.line': { name: '/etc/flip', content: 'two', mode: 'insert' } },
      },
      verify_idempotent: true,
    });
    expect(res.error?.message).toBe('state provisioner: not idempotent: the second pass changed 2 states: full (file.managed), line (file.line)');
    expect(lstatSync(onGuest('/etc/flip')).isFile()).toBe(true);
  });

  it('sends file contents and command env by upload, never on a command line, and redacts secrets in the report', async () => {
    const secret = 'hunter2-very-secret';
    const commands: string[] = [];
    const recording: Communicator = {
      exec: (command, options) => {
        commands.push(command);
        return g.comm.exec(command, options);
      },
      upload: (...a) => g.comm.upload(...a),
      uploadData: (...a) => g.comm.uploadData(...a),
      download: (...a) => g.comm.download(...a),
      close: async () => {},
    };
    const states = {
      '/etc/secret.env': { 'file.managed': { contents: `TOKEN=${secret}\n`, mode: '0600' } },
      use: { 'cmd.run': { name: 'printf %s "$TOKEN" > /root/token', env: { TOKEN: secret }, creates: '/root/token' } },
    };
    const provisioner = plugin.create({ states } as never, { file: 't.json', path: 'provisioners[0]', templateDir: process.cwd() }) as StateProvisioner;
    const plan = await provisioner.plan({ templateDir: process.cwd(), vars: {} });
    const signal = new AbortController().signal;
    const out = await runStates(plan, makeRemote(recording, { sudo: false, signal, tmpDir: '/tmp' }), { test: false, failFast: true, serviceMode: 'enable-only', signal });
    expect(Object.values(outcomes(out))).toEqual(['changed', 'changed']);
    expect(readFileSync(onGuest('/etc/secret.env'), 'utf8')).toBe(`TOKEN=${secret}\n`);
    expect(readFileSync(onGuest('/root/token'), 'utf8')).toBe(secret);
    expect(commands.length).toBeGreaterThan(2);
    expect(commands.filter((c) => c.includes(secret))).toEqual([]);

    const changed = await g.apply({ states: { '/etc/secret.env': { 'file.managed': { contents: `TOKEN=${secret}-2\n` } } } }, process.cwd(), [secret]);
    expect(changed.error).toBeUndefined();
    expect(changed.lines.filter((l) => l.includes('TOKEN'))).toEqual(['info:         +TOKEN=<sensitive>-2', 'info:         -TOKEN=<sensitive>']);
  });

  it('stops at an abort between states, with the reason', async () => {
    const states = { one: { 'file.managed': { name: '/tmp/abort-1', contents: '1' } }, two: { 'file.managed': { name: '/tmp/abort-2', contents: '2' } } };
    const provisioner = plugin.create({ states } as never, { file: 't.json', path: 'provisioners[0]', templateDir: process.cwd() }) as StateProvisioner;
    const plan = await provisioner.plan({ templateDir: process.cwd(), vars: {} });
    const controller = new AbortController();
    const run = runStates(plan, makeRemote(g.comm, { sudo: false, signal: controller.signal, tmpDir: '/tmp' }), {
      test: false,
      failFast: true,
      serviceMode: 'enable-only',
      signal: controller.signal,
      onResult: () => controller.abort(new Error('interrupted by the user')),
    });
    await expect(run).rejects.toThrow('interrupted by the user');
    expect(existsSync(onGuest('/tmp/abort-1'))).toBe(true);
    expect(existsSync(onGuest('/tmp/abort-2'))).toBe(false);
  });
});

