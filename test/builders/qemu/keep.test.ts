import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import { connectStep } from '../../../src/builders/qemu/steps/connect.js';
import { generateEd25519KeyPair } from '../../../src/communicator/keys.js';
import type { BuildContext } from '../../../src/core/context.js';
import { makeBuildContext } from '../../helpers/context.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';

/**
 * The qemu builder's side of -on-error=abort without booting a guest (a boot costs 35-60 s under
 * TCG): the connect step writes the temporary key and prints an ssh command, tried here against a
 * real sshd standing in for the guest's forwarded port; QEMU's process is let go so bake can exit.
 */
const dir = mkdtempSync(join(tmpdir(), 'bake-qemu-keep-'));
const pair = generateEd25519KeyPair('bake temp');
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd({ authorizedKeys: [pair.publicKey] });
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('qemu builder, build kept for inspection', () => {
  it('writes the temporary key 0600 to the work directory and prints an ssh command that logs in', async () => {
    const c = resolveQemuConfig({ ssh_username: sshd.username }, { file: 't.json', path: 'builders[0]', templateDir: dir });
    // Only what keep reads of the state: the forwarded port, the temporary key, the work directory.
    const keep = connectStep(c).keep as (ctx: BuildContext, s: object) => Promise<string[]>;
    const lines = await keep(makeBuildContext(), { workDir: dir, sshPort: sshd.port, privateKey: pair.privateKey });
    const key = join(dir, 'ssh_key');
    expect(lines).toEqual([`The guest: ssh -i '${key}' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -p ${sshd.port} ${sshd.username}@127.0.0.1`]);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(key, 'utf8')).toBe(pair.privateKey.endsWith('\n') ? pair.privateKey : `${pair.privateKey}\n`);
    const cmd = lines[0]!.replace('The guest: ssh ', 'ssh -o BatchMode=yes -o LogLevel=ERROR ');
    expect(execFileSync('sh', ['-c', `${cmd} echo in the guest`], { encoding: 'utf8', timeout: 20_000 })).toBe('in the guest\n');
  });

  it('lets QEMU run on without holding bake: a process that started it and let it go exits at once', () => {
    // `sleep` stands in for QEMU: what is checked is bake's side of the child (its handle and pipes).
    const module = new URL('../../../dist/builders/qemu/qemu-process.js', import.meta.url).href;
    const script = `const { QemuProcess } = await import(${JSON.stringify(module)}); const q = await QemuProcess.start('sleep', ['300']); q.detach(); console.log(q.pid);`;
    const pid = Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 }).trim());
    try {
      expect(() => process.kill(pid, 0)).not.toThrow();
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });
});
