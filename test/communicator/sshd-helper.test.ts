import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

const sshArgs = (s: TestSshd, user: string, cmd: string) => [
  '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes',
  '-i', s.privateKeyPath, '-p', String(s.port), `${user}@127.0.0.1`, cmd,
];

describe('startSshd', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd({ password: true });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('accepts the client key for root and for the password user', () => {
    expect(execFileSync('ssh', sshArgs(sshd, 'root', 'id -un'), { encoding: 'utf8' })).toBe('root\n');
    expect(execFileSync('ssh', sshArgs(sshd, 'bake-test', 'id -un'), { encoding: 'utf8' })).toBe('bake-test\n');
  });

  it('keeps serving after restart() and removes its dir on stop()', async () => {
    await sshd.restart();
    expect(execFileSync('ssh', sshArgs(sshd, 'root', 'echo back'), { encoding: 'utf8' })).toBe('back\n');
    const other = await startSshd();
    expect(other.port).not.toBe(sshd.port);
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
  });
});
