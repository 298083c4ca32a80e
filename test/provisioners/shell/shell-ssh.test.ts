import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Communicator } from '../../../src/communicator/types.js';
import { plugin, type ShellConfig } from '../../../src/provisioners/shell/index.js';
import { makeProvisionContext } from '../../helpers/context.js';
import { sshSession } from '../../helpers/ssh-session.js';

const env = { file: 't.json', path: 'provisioners[1]', templateDir: '.' };
const create = (config: Record<string, unknown>) => plugin.create(config as ShellConfig, env);

describe('shell provisioner over SSH (real sshd)', () => {
  const session = sshSession();
  let remote: string;
  const run = async (config: Record<string, unknown>, ctx = makeProvisionContext({ buildName: 'web', buildType: 'null' })) => {
    remote = mkdtempSync(join(tmpdir(), 'bake-remote-'));
    await create({ remote_folder: remote, ...config }).run(ctx, session.comm);
    return ctx.events.filter((e) => e.level === 'output').map((e) => e.text);
  };

  it('runs inline commands as the SSH user with the build variables and removes the script', async () => {
    const out = await run({ inline: ['cd /etc', 'echo "$(id -un) $(pwd) $PACKER_BUILD_NAME $PACKER_BUILDER_TYPE $BAKE_BUILD_NAME [$MSG]"'], environment_vars: ["MSG=it's a $test"] });
    expect(out).toEqual([`root /etc web null web [it's a $test]`]);
    expect(readdirSync(remote)).toEqual([]);
  });

  it('removes the script on the SFTP session that uploaded it, so the script is the only command run; `rm -f` when that fails', async () => {
    const execs: string[] = [];
    const comm = session.comm;
    const recording = (remove: Communicator['remove']): Communicator => ({
      exec: (command, options) => (execs.push(command), comm.exec(command, options)),
      upload: (...a) => comm.upload(...a),
      uploadData: (...a) => comm.uploadData(...a),
      download: (...a) => comm.download(...a),
      close: () => comm.close(),
      remove,
    });
    const ctx = makeProvisionContext({ buildName: 'web', buildType: 'null' });
    remote = mkdtempSync(join(tmpdir(), 'bake-remote-'));
    await create({ remote_folder: remote, inline: ['echo one'] }).run(ctx, recording((paths, o) => comm.remove!(paths, o)));
    expect(execs).toHaveLength(1);
    expect(execs[0]).toContain(`${remote}/`);
    expect(execs[0]).not.toMatch(/^rm -f/);
    expect(readdirSync(remote)).toEqual([]);

    execs.length = 0;
    await create({ remote_folder: remote, inline: ['echo two'] }).run(ctx, recording(() => Promise.reject(new Error('sftp: permission denied'))));
    expect(execs).toHaveLength(2);
    expect(execs[1]).toMatch(/^rm -f '/);
    expect(readdirSync(remote)).toEqual([]);
  });

  it('fails with the inline line, exit code and stderr tail', async () => {
    await expect(run({ inline: ['echo fine', 'echo "disk full" >&2; echo "giving up" >&2; exit 7'] })).rejects.toThrow(
      'shell provisioner: inline[1] "echo \\"disk full\\" >&2; echo \\"giving up\\" >&2; exit 7" exited with 7: disk full | giving up',
    );
  });

  it('uploads each script, runs it with its env and reports the failing script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-scripts-'));
    writeFileSync(join(dir, 'ok.sh'), '#!/bin/sh\necho "ok $GREETING"\n');
    writeFileSync(join(dir, 'bad.sh'), '#!/bin/sh\necho "no such package" >&2\nexit 100\n');
    const ctx = makeProvisionContext({ buildName: 'web', buildType: 'null' });
    await expect(run({ scripts: [join(dir, 'ok.sh'), join(dir, 'bad.sh')], env: { GREETING: 'hi there' } }, ctx)).rejects.toThrow(
      `shell provisioner: scripts[1] "${join(dir, 'bad.sh')}" exited with 100: no such package`,
    );
    expect(ctx.events.filter((e) => e.level === 'output').map((e) => e.text)).toEqual(['ok hi there', 'no such package']);
    expect(readdirSync(remote)).toEqual([]);
  });

  it('retries until start_retry_timeout while sshd is down, as during a reboot', async () => {
    const restarting = session.sshd.restart(1500);
    const ctx = makeProvisionContext({ buildName: 'web', buildType: 'null' });
    const out = await run({ inline: ['echo "back up"'], start_retry_timeout: '30s' }, ctx);
    await restarting;
    expect(out).toEqual(['back up']);
    const warns = ctx.events.filter((e) => e.level === 'warn').map((e) => e.text);
    expect(warns.length).toBeGreaterThan(0);
    expect(warns.every((w) => w.startsWith('shell provisioner: inline commands: ') && w.endsWith('; retrying'))).toBe(true);
  });

  it('accepts a dropped connection with expect_disconnect, and explains it otherwise', async () => {
    const drop = () => setTimeout(() => session.sshd.dropConnections(), 700);
    drop();
    await run({ inline: ['sleep 10'], expect_disconnect: true, start_retry_timeout: '20s' });
    drop();
    const err = await run({ inline: ['sleep 10'], start_retry_timeout: '20s' }).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'shell provisioner: inline commands: the connection closed before it exited (set "expect_disconnect": true if it reboots the machine)',
    );
    // The script is still removed, over a new connection.
    expect(readdirSync(remote)).toEqual([]);
  });
});
