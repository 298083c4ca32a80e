import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../src/communicator/connect-ssh.js';
import type { HostKeyCapabilities } from '../../src/communicator/host-key-policy.js';
import type { SshConfigInput } from '../../src/communicator/ssh-config.js';
import { resolveSshConfig } from '../../src/communicator/ssh-options.js';
import { makeProvisionContext } from '../helpers/context.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

/** ssh-keygen's own fingerprint of a public key file: the reference bake's must equal. */
function keygenFingerprint(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], { encoding: 'utf8' }).split(' ')[1];
}

function options(sshd: TestSshd, input: SshConfigInput, hostKey?: HostKeyCapabilities) {
  return resolveSshConfig(
    { ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '10s', ...input },
    { host: sshd.host, port: sshd.port, username: sshd.username, ...(hostKey ? { hostKey } : {}) },
    { file: 't.json', path: 'builders[0]', templateDir: process.cwd() },
  );
}

describe('SSH host key checks against a real sshd', () => {
  let sshd: TestSshd;
  let dir: string;
  let fp: string;
  beforeAll(async () => {
    sshd = await startSshd();
    dir = mkdtempSync(join(tmpdir(), 'bake-known-hosts-'));
    fp = keygenFingerprint(join(sshd.dir, 'host_ed25519.pub'));
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const at = () => `[127.0.0.1]:${sshd.port}`;

  it('pin: accepts the pinned key, says so once, and reports its fingerprint as ssh-keygen does', async () => {
    const ctx = makeProvisionContext();
    const comm = await connectSsh(options(sshd, {}, { check: 'pin', pin: true }), ctx, { pinned: [sshd.hostPublicKey] });
    expect(comm.hostKey?.()).toEqual({ host: at(), fingerprint: fp, type: 'ED25519', method: 'pinned' });
    const said = ctx.events.filter((e) => e.text.startsWith('SSH host key'));
    expect(said.map((e) => e.text)).toEqual([`SSH host key ${fp} (ED25519) of ${at()} verified (pinned)`]);
    expect(said[0].data).toEqual({ ssh_host_key: { host: at(), fingerprint: fp, type: 'ED25519', method: 'pinned' } });
    await comm.close();
  });

  it('pin: a second sshd with another key on the same port is refused at once, naming both fingerprints', async () => {
    const first = await startSshd();
    const pinned = first.hostPublicKey;
    const expected = keygenFingerprint(join(first.dir, 'host_ed25519.pub'));
    const port = first.port;
    await first.stop();
    const impostor = await startSshd({ port });
    try {
      const presented = keygenFingerprint(join(impostor.dir, 'host_ed25519.pub'));
      const ctx = makeProvisionContext();
      const started = Date.now();
      await expect(connectSsh(options(impostor, { ssh_timeout: '30s' }, { check: 'pin', pin: true }), ctx, { pinned: [pinned] })).rejects.toThrow(
        `ssh: host key mismatch for [127.0.0.1]:${port}: expected ${expected} (pinned), presented ${presented} (ED25519)`,
      );
      // A mismatch is final: no retries until ssh_timeout.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await impostor.stop();
    }
  });

  it('known_hosts: a plain entry verifies; bad lines are reported with their line numbers and the rest is used', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, ['# comment', 'just-one-field', `other.example ssh-foo AAAAB3Nz`, `@weird ${at()} ${sshd.hostPublicKey}`, `${at()} ${sshd.hostPublicKey}`, ''].join('\n'));
    const ctx = makeProvisionContext();
    const comm = await connectSsh(options(sshd, { ssh_host_key_check: 'known_hosts', ssh_known_hosts_file: file }), ctx);
    expect(comm.hostKey?.()).toMatchObject({ fingerprint: fp, method: 'known_hosts' });
    expect(ctx.events.filter((e) => e.level === 'warn').map((e) => e.text)).toEqual([
      `known_hosts: ${file}:2: expected "hosts key-type base64-key", got 1 field; line ignored`,
      `known_hosts: ${file}:3: unknown key type "ssh-foo"; line ignored`,
      `known_hosts: ${file}:4: unknown marker "@weird" (OpenSSH knows @cert-authority and @revoked); line ignored`,
    ]);
    await comm.close();
  });

  it('known_hosts: hashed entries (ssh-keygen -H) verify, and a different key there is a mismatch naming the line', async () => {
    const other = await startSshd();
    const otherFp = keygenFingerprint(join(other.dir, 'host_ed25519.pub'));
    const good = join(dir, 'hashed-good');
    const bad = join(dir, 'hashed-bad');
    writeFileSync(good, `127.0.0.2 ${other.hostPublicKey}\n${at()} ${sshd.hostPublicKey}\n`);
    writeFileSync(bad, `${at()} ${other.hostPublicKey}\n`);
    await other.stop();
    for (const f of [good, bad]) execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
    expect(readFileSync(good, 'utf8')).toMatch(/^\|1\|[^ ]+ ssh-ed25519 /);
    expect(readFileSync(good, 'utf8')).not.toContain('127.0.0.1');

    const ctx = makeProvisionContext();
    const comm = await connectSsh(options(sshd, { ssh_host_key_check: 'known_hosts', ssh_known_hosts_file: good }), ctx);
    expect(comm.hostKey?.()).toMatchObject({ fingerprint: fp, method: 'known_hosts' });
    await comm.close();

    await expect(connectSsh(options(sshd, { ssh_host_key_check: 'known_hosts', ssh_known_hosts_file: bad }), makeProvisionContext())).rejects.toThrow(
      `ssh: host key mismatch for ${at()}: expected ${otherFp} (${bad}:1), presented ${fp} (ED25519)`,
    );
  });

  it('known_hosts: a host missing from the file falls back to tofu by the builder\'s default, and fails when the template chose known_hosts', async () => {
    const file = join(dir, 'elsewhere');
    writeFileSync(file, `somewhere.example ${sshd.hostPublicKey}\n`);
    const ctx = makeProvisionContext();
    const comm = await connectSsh(options(sshd, { ssh_known_hosts_file: file }, { check: 'known_hosts', fallback: 'tofu' }), ctx);
    expect(comm.hostKey?.()).toMatchObject({ fingerprint: fp, method: 'tofu' });
    expect(ctx.events.filter((e) => e.level === 'warn').map((e) => e.text)).toEqual([
      `ssh: ${at()} is not in ${file}: falling back to tofu (the first key seen is trusted for the rest of the build) (ssh_host_key_fallback)`,
    ]);
    await comm.close();
    await expect(connectSsh(options(sshd, { ssh_host_key_check: 'known_hosts', ssh_known_hosts_file: file }), makeProvisionContext())).rejects.toThrow(
      `ssh: cannot verify the host key (ssh_host_key_check "known_hosts"): ${at()} is not in ${file}; ssh_host_key_fallback "none" forbids connecting without it`,
    );
  });

  it('known_hosts: @cert-authority alone is refused with a clear error, since ssh2 cannot verify host certificates (OpenSSH\'s ssh accepts the same file)', async () => {
    const ca = join(dir, 'ca');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bake-test-ca', '-f', ca], { stdio: 'ignore' });
    execFileSync('ssh-keygen', ['-q', '-s', ca, '-I', 'bake-test-host', '-h', '-n', '127.0.0.1', join(sshd.dir, 'host_ed25519.pub')], { stdio: 'ignore' });
    const certified = await startSshd({ extraConfig: [`HostKey ${join(sshd.dir, 'host_ed25519')}`, `HostCertificate ${join(sshd.dir, 'host_ed25519-cert.pub')}`] });
    try {
      const file = join(dir, 'ca-only');
      writeFileSync(file, `@cert-authority ${`[127.0.0.1]:${certified.port}`} ${readFileSync(`${ca}.pub`, 'utf8').trim()}\n`);
      const out = execFileSync(
        'ssh',
        ['-i', certified.privateKeyPath, '-p', String(certified.port), '-o', `UserKnownHostsFile=${file}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', 'root@127.0.0.1', 'echo certified'],
        { encoding: 'utf8' },
      );
      expect(out.trim()).toBe('certified');
      await expect(connectSsh(options(certified, { ssh_host_key_check: 'known_hosts', ssh_known_hosts_file: file }), makeProvisionContext())).rejects.toThrow(
        `ssh: [127.0.0.1]:${certified.port} is known only through @cert-authority (${file}:1), and bake's SSH library (ssh2) cannot verify host certificates; add the host's own key to known_hosts (ssh-keyscan) or choose another check`,
      );
    } finally {
      await certified.stop();
    }
  });

  it('tofu: the first key is trusted; a different key after a reconnect within the build is refused', async () => {
    const changing = await startSshd();
    try {
      const ctx = makeProvisionContext();
      const comm = await connectSsh(options(changing, {}), ctx);
      const first = comm.hostKey?.();
      expect(first).toMatchObject({ method: 'tofu', fingerprint: keygenFingerprint(join(changing.dir, 'host_ed25519.pub')) });
      expect((await comm.exec('true')).exitCode).toBe(0);
      rmSync(join(changing.dir, 'host_ed25519'));
      rmSync(join(changing.dir, 'host_ed25519.pub'));
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(changing.dir, 'host_ed25519')], { stdio: 'ignore' });
      const second = keygenFingerprint(join(changing.dir, 'host_ed25519.pub'));
      await changing.restart();
      await expect(comm.exec('true')).rejects.toThrow(
        `ssh: host key mismatch for [127.0.0.1]:${changing.port}: expected ${first?.fingerprint} (tofu, accepted at this build's first connection), presented ${second} (ED25519)`,
      );
      await comm.close();
    } finally {
      await changing.stop();
    }
  });

  it('bastion: known_hosts by default when the file lists it (else tofu), and a wrong key there fails as the bastion\'s', async () => {
    const bastion = await startSshd();
    try {
      const via = { ssh_bastion_host: bastion.host, ssh_bastion_port: bastion.port, ssh_bastion_private_key_file: bastion.privateKeyPath };
      const bastionAt = `[127.0.0.1]:${bastion.port}`;
      const bastionFp = keygenFingerprint(join(bastion.dir, 'host_ed25519.pub'));
      const listed = join(dir, 'bastion-listed');
      writeFileSync(listed, `${bastionAt} ${bastion.hostPublicKey}\n`);
      const ctx = makeProvisionContext();
      const comm = await connectSsh(options(sshd, { ...via, ssh_known_hosts_file: listed }), ctx);
      expect(ctx.events.map((e) => e.text)).toContain(`SSH bastion host key ${bastionFp} (ED25519) of ${bastionAt} verified (known_hosts)`);
      expect(comm.hostKey?.()).toMatchObject({ host: at(), method: 'tofu' });
      await comm.close();

      const unlisted = join(dir, 'bastion-unlisted');
      writeFileSync(unlisted, '');
      const ctx2 = makeProvisionContext();
      await (await connectSsh(options(sshd, { ...via, ssh_known_hosts_file: unlisted }), ctx2)).close();
      expect(ctx2.events.map((e) => e.text)).toContain(`SSH bastion host key ${bastionFp} (ED25519) of ${bastionAt} trusted on first use (tofu)`);

      const wrong = join(dir, 'bastion-wrong');
      writeFileSync(wrong, `${bastionAt} ${sshd.hostPublicKey}\n`);
      await expect(connectSsh(options(sshd, { ...via, ssh_known_hosts_file: wrong }), makeProvisionContext())).rejects.toThrow(
        `ssh bastion: host key mismatch for ${bastionAt}: expected ${fp} (${wrong}:1), presented ${bastionFp} (ED25519)`,
      );
      await expect(connectSsh(options(sshd, { ...via, ssh_known_hosts_file: unlisted, ssh_bastion_host_key_check: 'known_hosts' }), makeProvisionContext())).rejects.toThrow(
        `ssh bastion: ${bastionAt} is not in ${unlisted} (ssh_bastion_host_key_check "known_hosts"); add it with ssh-keyscan or choose "tofu"`,
      );
    } finally {
      await bastion.stop();
    }
  });

  it('insecure: any key, with one warning per build however often it reconnects', async () => {
    const ctx = makeProvisionContext();
    const comm = await connectSsh(options(sshd, { ssh_host_key_check: 'insecure' }), ctx);
    sshd.dropConnections();
    await new Promise((r) => setTimeout(r, 200));
    expect((await comm.exec('true')).exitCode).toBe(0);
    expect(ctx.events.filter((e) => e.level === 'warn').map((e) => e.text)).toEqual([`ssh: host key of ${at()} not checked (ssh_host_key_check "insecure"): presented ${fp} (ED25519)`]);
    expect(comm.hostKey?.()).toMatchObject({ method: 'insecure', fingerprint: fp });
    await comm.close();
  });
});
