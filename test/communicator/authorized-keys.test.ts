import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeAuthorizedKey } from '../../src/communicator/authorized-keys.js';
import { generateEd25519KeyPair } from '../../src/communicator/keys.js';
import { makeProvisionContext } from '../helpers/context.js';
import { sshSession } from '../helpers/ssh-session.js';

describe('removeAuthorizedKey', () => {
  const ssh = sshSession();
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bake-akeys-'));
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('removes only the temporary key and keeps the file mode', async () => {
    const temp = generateEd25519KeyPair('bake temp');
    const keep = generateEd25519KeyPair('someone else');
    const file = join(dir, 'authorized_keys');
    writeFileSync(file, `${keep.publicKey}\n${temp.publicKey}\n`);
    chmodSync(file, 0o600);
    await removeAuthorizedKey(ssh.comm, temp.publicKey, file);
    expect(readFileSync(file, 'utf8')).toBe(`${keep.publicKey}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await removeAuthorizedKey(ssh.comm, keep.publicKey, file);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('does nothing when the file does not exist, and refuses a malformed key', async () => {
    await removeAuthorizedKey(ssh.comm, generateEd25519KeyPair('x').publicKey, join(dir, 'absent'));
    await expect(removeAuthorizedKey(ssh.comm, 'garbage', join(dir, 'absent'))).rejects.toThrow(
      'ssh_clear_authorized_keys: not a public key: "garbage"',
    );
  });
});
