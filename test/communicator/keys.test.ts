import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../src/communicator/keys.js';

describe('generateEd25519KeyPair', () => {
  it('makes a key OpenSSH reads, whose public half matches', () => {
    const pair = generateEd25519KeyPair('bake temporary key');
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n$/);
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=* bake temporary key$/);
    const path = join(mkdtempSync(join(tmpdir(), 'bake-keys-')), 'id');
    writeFileSync(path, pair.privateKey, { mode: 0o600 });
    const derived = execFileSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' }).trim();
    expect(derived).toBe(pair.publicKey);
  });

  it('makes a key ssh2 parses, with the comment kept', () => {
    const parsed = ssh2.utils.parseKey(generateEd25519KeyPair('c1').privateKey);
    expect(parsed).not.toBeInstanceOf(Error);
    expect(Array.isArray(parsed) ? parsed[0].type : (parsed as ssh2.ParsedKey).type).toBe('ssh-ed25519');
    expect((parsed as ssh2.ParsedKey).comment).toBe('c1');
  });

  it('makes a different key each time', () => {
    expect(generateEd25519KeyPair('a').publicKey).not.toBe(generateEd25519KeyPair('a').publicKey);
  });
});
