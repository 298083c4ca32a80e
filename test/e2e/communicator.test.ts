import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

/** The SSH communicator through `bake build`: what a user sees when SSH works and when it does not. */
let sshd: TestSshd;
let bastion: TestSshd;
let dir: string;

function template(name: string, body: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body, null, 2));
  return path;
}

beforeAll(async () => {
  [sshd, bastion] = await Promise.all([startSshd({ password: true }), startSshd()]);
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-ssh-'));
});

afterAll(async () => {
  await Promise.all([sshd?.stop(), bastion?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const output = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe('bake build over SSH', () => {
  it('gives up on an unreachable port after ssh_timeout with one clear line and exit 1', async () => {
    const closed = await startSshd();
    const port = closed.port;
    await closed.stop();
    const t = template('unreachable.json', {
      builders: [{ type: 'null', ssh_host: '127.0.0.1', ssh_port: port, ssh_username: 'root', ssh_password: 'x', ssh_timeout: '2s' }],
      provisioners: [{ type: 'shell', inline: ['true'] }],
    });
    const r = await runBake(['build', t]);
    expect(r.code).toBe(1);
    expect(output(r)).toContain(`ssh: timed out after 2s (ssh_timeout) connecting to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(output(r)).not.toMatch(/^\s+at /m);
  });

  it('reports a wrong password as an authentication failure, with exit 1', async () => {
    const t = template('password.json', {
      builders: [
        { type: 'null', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: 'bake-test', ssh_password: 'wrong-password', ssh_handshake_attempts: 1 },
      ],
      provisioners: [{ type: 'shell', inline: ['true'] }],
    });
    const r = await runBake(['build', t]);
    expect(r.code).toBe(1);
    expect(output(r)).toContain(`ssh: authentication as bake-test@127.0.0.1:${sshd.port} failed (tried password, keyboard-interactive)`);
    expect(output(r)).not.toContain('wrong-password');
  });

  it('provisions through a bastion: a directory upload keeps modes and a script sees its env', async () => {
    const src = join(dir, 'payload');
    mkdirSync(join(src, 'bin'), { recursive: true });
    writeFileSync(join(src, 'bin/tool'), '#!/bin/sh\necho tool ran\n');
    chmodSync(join(src, 'bin/tool'), 0o755);
    writeFileSync(join(src, 'secret.conf'), 'k=v\n');
    chmodSync(join(src, 'secret.conf'), 0o600);
    const dest = join(dir, 'remote-payload');
    const t = template('bastion.json', {
      builders: [
        {
          type: 'null',
          ssh_host: sshd.host,
          ssh_port: sshd.port,
          ssh_username: 'root',
          ssh_private_key_file: sshd.privateKeyPath,
          ssh_bastion_host: bastion.host,
          ssh_bastion_port: bastion.port,
          ssh_bastion_private_key_file: bastion.privateKeyPath,
        },
      ],
      provisioners: [
        { type: 'file', source: `${src}/`, destination: dest },
        { type: 'shell', environment_vars: ["GREETING=it's here"], inline: [`${dest}/bin/tool`, 'echo "$GREETING"'] },
      ],
    });
    const r = await runBake(['build', t]);
    expect(output(r)).toContain('tool ran');
    expect(output(r)).toContain("it's here");
    expect(r.code).toBe(0);
    expect(readFileSync(join(dest, 'secret.conf'), 'utf8')).toBe('k=v\n');
    expect(statSync(join(dest, 'secret.conf')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dest, 'bin/tool')).mode & 0o777).toBe(0o755);
    expect(bastion.log()).toMatch(/Accepted publickey for root/);
  });
});
