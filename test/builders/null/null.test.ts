import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Communicator } from '../../../src/communicator/types.js';
import { type NullConfig, plugin } from '../../../src/builders/null/index.js';
import { makeBuildContext } from '../../helpers/context.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: process.cwd() };
const create = (config: Record<string, unknown>) => plugin.create(config as NullConfig, env);

describe('null builder', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => sshd?.stop());

  it('connects to the host (its key checked against known_hosts), provisions over SSH, closes the connection and returns the "Null" artifact', async () => {
    const knownHosts = join(sshd.dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    let used: Communicator | undefined;
    const seen: string[] = [];
    let vars: Record<string, string> | undefined;
    const ctx = makeBuildContext({
      provision: async (comm, v) => {
        used = comm;
        vars = v;
        const r = await comm.exec('echo "$(id -un) on $(hostname)"', { stdout: (l) => seen.push(l) });
        expect(r.exitCode).toBe(0);
      },
    });
    const builder = create({ ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '10s', ssh_known_hosts_file: knownHosts });
    await expect(builder.run(ctx)).resolves.toMatchObject({ builderType: 'null', id: 'Null', files: [], images: {} });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^root on /);
    expect(vars).toEqual({ Host: '127.0.0.1', Port: String(sshd.port), User: 'root' });
    await expect(used?.exec('true')).rejects.toThrow();
    expect(ctx.events.filter((e) => e.level === 'say').map((e) => e.text)).toEqual([
      `Using SSH communicator to connect: 127.0.0.1:${sshd.port}`,
      expect.stringMatching(new RegExp(`^SSH host key SHA256:\\S+ \\(ED25519\\) of \\[127\\.0\\.0\\.1\\]:${sshd.port} verified \\(known_hosts\\)$`)),
      'Connected to SSH!',
    ]);
  });

  it('closes the connection when a provisioner fails, and passes the failure on', async () => {
    let used: Communicator | undefined;
    const ctx = makeBuildContext({
      provision: async (comm) => {
        used = comm;
        throw new Error('shell provisioner: inline[0] "false" exited with 1 (nothing on stderr)');
      },
    });
    const builder = create({ ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath });
    await expect(builder.run(ctx)).rejects.toThrow('shell provisioner: inline[0] "false" exited with 1 (nothing on stderr)');
    await expect(used?.exec('true')).rejects.toThrow();
  });

  it('needs a host unless the communicator is "none", where remote provisioners say why they cannot run', async () => {
    expect(() => create({ ssh_username: 'root' })).toThrow('t.json: builders[0].ssh_host: required (the builder has no address to connect to)');
    const ctx = makeBuildContext({
      provision: async (comm) => {
        await comm.exec('true');
      },
    });
    await expect(create({ communicator: 'none' }).run(ctx)).rejects.toThrow(
      'null builder: "communicator" is "none", so there is no machine to reach; use shell-local, or set ssh_host',
    );
  });
});
