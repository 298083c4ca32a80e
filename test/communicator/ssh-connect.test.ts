import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../src/communicator/connect-ssh.js';
import { generateEd25519KeyPair } from '../../src/communicator/keys.js';
import { resolveSshConfig } from '../../src/communicator/ssh-options.js';
import { makeProvisionContext } from '../helpers/context.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { optionsFor } from './ssh-test-options.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: process.cwd() };

describe('connectSsh', () => {
  let sshd: TestSshd;
  let bastion: TestSshd;
  beforeAll(async () => {
    [sshd, bastion] = await Promise.all([startSshd({ password: true }), startSshd()]);
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), bastion?.stop()]);
  });

  it('logs in with a key file and says so as Packer does', async () => {
    const ctx = makeProvisionContext();
    const comm = await connectSsh(optionsFor(sshd), ctx);
    const lines: string[] = [];
    expect((await comm.exec('id -un', { stdout: (l) => lines.push(l) })).exitCode).toBe(0);
    expect(lines).toEqual(['root']);
    await comm.close();
    expect(ctx.events.filter((e) => e.level === 'say').map((e) => e.text)).toEqual([
      `Using SSH communicator to connect: 127.0.0.1:${sshd.port}`,
      expect.stringMatching(new RegExp(`^SSH host key SHA256:\\S+ \\(ED25519\\) of \\[127\\.0\\.0\\.1\\]:${sshd.port} trusted on first use \\(tofu\\)$`)),
      'Connected to SSH!',
    ]);
  });

  it('logs in with a builder-made temporary key given as text', async () => {
    const pair = generateEd25519KeyPair('bake temp');
    const keyed = await startSshd({ authorizedKeys: [pair.publicKey] });
    try {
      const options = resolveSshConfig({}, { host: keyed.host, port: keyed.port, username: 'root', privateKey: pair.privateKey }, env);
      const comm = await connectSsh(options, makeProvisionContext());
      expect((await comm.exec('true')).exitCode).toBe(0);
      await comm.close();
    } finally {
      await keyed.stop();
    }
  });

  it('logs in with a password, as a user whose password bake does not own', async () => {
    const login = sshd.passwordLogin as { username: string; password: string };
    const options = resolveSshConfig(
      { ssh_username: login.username, ssh_password: login.password },
      { host: sshd.host, port: sshd.port },
      env,
    );
    const comm = await connectSsh(options, makeProvisionContext());
    const lines: string[] = [];
    await comm.exec('id -un', { stdout: (l) => lines.push(l) });
    expect(lines).toEqual([login.username]);
    await comm.close();
  });

  it('logs in with the keys of a running ssh-agent', async () => {
    const sock = join(sshd.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync('ssh-add', [sshd.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = sock;
      const options = resolveSshConfig({ ssh_agent_auth: true }, { host: sshd.host, port: sshd.port, username: 'root' }, env);
      expect(options.agentForwarding).toBe(true);
      const comm = await connectSsh(options, makeProvisionContext());
      const keys: string[] = [];
      // The forwarded agent answers on the machine with the same key.
      expect((await comm.exec('ssh-add -L', { stdout: (l) => keys.push(l) })).exitCode).toBe(0);
      expect(keys).toEqual([sshd.publicKey]);
      await comm.close();
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.kill();
    }
  });

  it('requests a pseudo-terminal when ssh_pty is set', async () => {
    const comm = await connectSsh(optionsFor(sshd, { ssh_pty: true }), makeProvisionContext());
    const lines: string[] = [];
    expect((await comm.exec('tty', { stdout: (l) => lines.push(l) })).exitCode).toBe(0);
    expect(lines[0]).toMatch(/^\/dev\/pts\/\d+$/);
    await comm.close();
    const plain = await connectSsh(optionsFor(sshd), makeProvisionContext());
    expect((await plain.exec('tty', { stdout: () => {} })).exitCode).toBe(1);
    await plain.close();
  });

  it('answers keyboard-interactive prompts with the password', async () => {
    const kbd = await startSshd({ keyboardInteractive: true });
    try {
      const login = kbd.passwordLogin as { username: string; password: string };
      const options = resolveSshConfig({ ssh_username: login.username, ssh_password: login.password }, { host: kbd.host, port: kbd.port }, env);
      const comm = await connectSsh(options, makeProvisionContext());
      expect((await comm.exec('true')).exitCode).toBe(0);
      await comm.close();
      expect(kbd.log()).toMatch(/Accepted keyboard-interactive\/pam for bake-test/);
    } finally {
      await kbd.stop();
    }
  });

  it('reports a rejected key as an authentication failure, not a timeout', async () => {
    const wrong = join(sshd.dir, 'wrong_key');
    writeFileSync(wrong, generateEd25519KeyPair('wrong').privateKey, { mode: 0o600 });
    const started = Date.now();
    await expect(connectSsh(optionsFor(sshd, { ssh_private_key_file: wrong, ssh_handshake_attempts: 2 }), makeProvisionContext())).rejects.toThrow(
      `ssh: authentication as root@127.0.0.1:${sshd.port} failed (tried publickey)`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a wrong password as an authentication failure', async () => {
    const options = resolveSshConfig(
      { ssh_username: 'bake-test', ssh_password: 'not-the-password', ssh_handshake_attempts: 1 },
      { host: sshd.host, port: sshd.port },
      env,
    );
    await expect(connectSsh(options, makeProvisionContext())).rejects.toThrow(
      `ssh: authentication as bake-test@127.0.0.1:${sshd.port} failed (tried password, keyboard-interactive)`,
    );
  });

  it('gives up on a closed port after ssh_timeout, naming host, port and the last error', async () => {
    const closed = await startSshd();
    const closedPort = closed.port;
    await closed.stop();
    const ctx = makeProvisionContext();
    const started = Date.now();
    await expect(connectSsh(optionsFor(sshd, { ssh_port: closedPort, ssh_timeout: '2s' }), ctx)).rejects.toThrow(
      `ssh: timed out after 2s (ssh_timeout) connecting to 127.0.0.1:${closedPort}: connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThan(1500);
    expect(elapsed).toBeLessThan(3000);
    expect(ctx.events.some((e) => e.text === 'Waiting for SSH to become available…')).toBe(true);
  });

  it('connects as soon as a late sshd starts listening', async () => {
    const probe = await startSshd();
    const port = probe.port;
    await probe.stop();
    const ctx = makeProvisionContext();
    const started = Date.now();
    const connecting = connectSsh(optionsFor(sshd, { ssh_port: port }), ctx);
    await new Promise((r) => setTimeout(r, 1000));
    const late = await startSshd({ port, authorizedKeys: [sshd.publicKey] });
    try {
      const comm = await connecting;
      expect(Date.now() - started).toBeLessThan(2500);
      expect(ctx.events.map((e) => e.text)).toContain('Waiting for SSH to become available…');
      expect(ctx.events.find((e) => e.progress?.done)?.progress).toMatchObject({ label: 'wait', total: 10, done: true });
      await comm.close();
    } finally {
      await late.stop();
    }
  });

  it('beside a connection that is accepted but stays silent, opens another every 2 s (at most 3 open), and reaches an sshd started meanwhile', async () => {
    // QEMU's user network accepts on the forwarded port at once and then holds the connection
    // without a word while the guest boots; an sshd starting meanwhile is reached only by a new connection.
    const held: Socket[] = [];
    const accepted: number[] = [];
    let open = 0;
    let mostOpen = 0;
    const silent = createServer((sock) => {
      held.push(sock);
      accepted.push(Date.now());
      mostOpen = Math.max(mostOpen, ++open);
      sock.on('close', () => open--);
      sock.on('error', () => {});
      sock.resume(); // reading, so a close from bake is noticed
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const ctx = makeProvisionContext();
    // Shorter than one attempt's 20 s: held for all of it, the build would time out.
    const connecting = connectSsh(optionsFor(sshd, { ssh_port: port, ssh_timeout: '20s' }), ctx);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 7000));
    const givenUp = accepted.length - open;
    silent.close();
    const late = await startSshd({ port, authorizedKeys: [sshd.publicKey] });
    try {
      const comm = await connecting;
      expect((await comm.exec('true')).exitCode).toBe(0);
      await comm.close();
      // A new connection every 2 s, not ever longer waits on held ones (3, 4, 5 … s before).
      expect(accepted.length).toBeGreaterThanOrEqual(3);
      const gaps = accepted.slice(1).map((t, i) => t - accepted[i]!);
      for (const gap of gaps) expect(gap, `gaps ${gaps.join(', ')} ms`).toBeLessThan(3500);
      // Three open (the newest and two kept); the server may see the next one before the oldest's close.
      expect(mostOpen).toBeGreaterThanOrEqual(3);
      expect(mostOpen).toBeLessThanOrEqual(4);
      expect(givenUp, 'the oldest kept ones were given up while waiting').toBeGreaterThanOrEqual(accepted.length - 3);
      expect(givenUp).toBeGreaterThan(0);
      // The silent ones kept open are closed once logged in elsewhere.
      const until = Date.now() + 3000;
      while (open > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(open).toBe(0);
      expect(ctx.events.map((e) => e.text)).toContain(
        'ssh: attempt failed (unreachable): connected, but no word from the server within 2s (kept open; trying another connection beside it)',
      );
    } finally {
      held.forEach((s) => s.destroy());
      await late.stop();
    }
  });

  it('a server slow to say its first word is still reached on the connection kept open, and the spare ones are closed', async () => {
    // Every connection gets sshd only after 3.5 s of silence: more than the 2 s after which bake
    // opens another beside it. The first connection logs in; the ones opened beside it are closed.
    const sockets: Socket[] = [];
    let open = 0;
    const slow = createServer((client) => {
      sockets.push(client);
      open++;
      client.on('close', () => open--);
      client.on('error', () => {});
      client.pause();
      setTimeout(() => {
        if (client.destroyed) return;
        const upstream = connect(sshd.port, '127.0.0.1', () => {
          client.pipe(upstream).pipe(client);
          client.resume();
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
      }, 3500);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const port = (slow.address() as AddressInfo).port;
    const ctx = makeProvisionContext();
    const started = Date.now();
    try {
      const comm = await connectSsh(optionsFor(sshd, { ssh_port: port, ssh_timeout: '30s' }), ctx);
      const took = Date.now() - started;
      expect((await comm.exec('true')).exitCode).toBe(0);
      // On the first connection (answering at 3.5 s), not a later one (at 2 s + 3.5 s or more).
      expect(took, `${took} ms`).toBeLessThan(5500);
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      expect(sockets.length).toBeLessThanOrEqual(3);
      await comm.close();
      const until = Date.now() + 3000;
      while (open > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(open).toBe(0);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => slow.close(r));
    }
  });

  it('a server that said its version line but is slow to finish the handshake gets no second connection', async () => {
    // sshd's version line reaches bake at once; what bake sends reaches sshd only 3 s later (more
    // than the 2 s of silence after which another connection would be opened): the server has
    // spoken, so it is only slow, and the one connection logs in.
    const sockets: Socket[] = [];
    const relay = createServer((client) => {
      sockets.push(client);
      client.on('error', () => {});
      client.pause();
      const upstream = connect(sshd.port, '127.0.0.1');
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.pipe(client);
      setTimeout(() => {
        client.pipe(upstream);
        client.resume();
      }, 3000);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as AddressInfo).port;
    const ctx = makeProvisionContext();
    try {
      const comm = await connectSsh(optionsFor(sshd, { ssh_port: port, ssh_timeout: '30s' }), ctx);
      expect((await comm.exec('true')).exitCode).toBe(0);
      await comm.close();
      expect(sockets).toHaveLength(1);
      expect(ctx.events.map((e) => e.text).filter((t) => t.includes('no word from the server'))).toEqual([]);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => relay.close(r));
    }
  });

  it('names an unreadable key file by its JSON path', async () => {
    await expect(connectSsh(optionsFor(sshd, { ssh_private_key_file: 'missing/key' }), makeProvisionContext())).rejects.toThrow(
      't.json: builders[0].ssh_private_key_file: cannot read "missing/key" (no such file or not readable)',
    );
    const notAKey = join(sshd.dir, 'not-a-key');
    writeFileSync(notAKey, 'hello');
    await expect(connectSsh(optionsFor(sshd, { ssh_private_key_file: notAKey }), makeProvisionContext())).rejects.toThrow(
      `t.json: builders[0].ssh_private_key_file: "${notAKey}" is not a usable private key (Unsupported key format)`,
    );
  });

  it('refuses an unknown cipher at once, naming the option', async () => {
    await expect(connectSsh(optionsFor(sshd, { ssh_ciphers: ['rot13'] }), makeProvisionContext())).rejects.toThrow(
      't.json: builders[0].ssh_ciphers: "rot13" is not an algorithm bake supports',
    );
    const comm = await connectSsh(optionsFor(sshd, { ssh_ciphers: ['chacha20-poly1305@openssh.com'] }), makeProvisionContext());
    expect((await comm.exec('true')).exitCode).toBe(0);
    await comm.close();
    expect(sshd.log()).not.toMatch(/no matching cipher/);
  });

  it('reaches the machine through a bastion', async () => {
    const options = optionsFor(sshd, { ssh_bastion_host: bastion.host, ssh_bastion_port: bastion.port, ssh_bastion_private_key_file: bastion.privateKeyPath });
    const ctx = makeProvisionContext();
    const comm = await connectSsh(options, ctx);
    const lines: string[] = [];
    await comm.exec('echo via bastion', { stdout: (l) => lines.push(l) });
    expect(lines).toEqual(['via bastion']);
    await comm.close();
    expect(ctx.events[0].text).toBe(`Using SSH communicator to connect: 127.0.0.1:${sshd.port} via bastion 127.0.0.1:${bastion.port}`);
    expect(bastion.log()).toMatch(/Accepted publickey for root/);
  });

  it('reports a bastion that rejects the key as the bastion failing', async () => {
    const options = optionsFor(sshd, {
      ssh_bastion_host: bastion.host,
      ssh_bastion_port: bastion.port,
      ssh_bastion_private_key_file: sshd.privateKeyPath,
      ssh_handshake_attempts: 1,
    });
    await expect(connectSsh(options, makeProvisionContext())).rejects.toThrow(
      `ssh bastion: authentication as root@127.0.0.1:${bastion.port} failed (tried publickey)`,
    );
  });
});
