import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envelope, loadSigningKey, type ResourceDescriptor, verifyProvenance } from '../../src/provenance/index.js';
import { exampleStatement, keyPair } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bake-provenance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const image = join(dir, 'web.qcow2');
writeFileSync(image, 'disk image bytes');

function write(name: string, keyFile: string | undefined, subjects: ResourceDescriptor[] = [{ name: 'web.qcow2', digest: { sha256: sha(image) } }, { name: 'us-east-1:ami-0abc', digest: { imageId: 'ami-0abc' } }]): string {
  const statement = exampleStatement('amazon-ebs', subjects, ['db_password']);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(envelope(Buffer.from(JSON.stringify(statement)), keyFile ? loadSigningKey(keyFile) : undefined)) + '\n');
  return file;
}

function sha(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
}

const fail = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.message);

describe('provenance: DSSE signing and bake verify', () => {
  for (const [kind, type, curve] of [
    ['ed25519', 'ed25519', undefined],
    ['ECDSA P-256', 'ec', 'prime256v1'],
    ['ECDSA P-384', 'ec', 'secp384r1'],
  ] as const) {
    it(`${kind}: verifies, then rejects a one-byte change, another key and a subject the statement does not name`, async () => {
      const { priv, pub } = keyPair(dir, kind.replace(/\W/g, ''), type, curve);
      const prov = write(`${type}${curve ?? ''}.intoto.jsonl`, priv);
      expect(await verifyProvenance({ provenance: prov, keyFile: pub, file: image })).toMatch(
        new RegExp(`^${prov}: verified: signed by ${pub}; subject web.qcow2 is ${image} \\(sha256 [0-9a-f]{16}…\\); build web of run 20261207T031500Z-ab12 from web.json`),
      );
      expect(await verifyProvenance({ provenance: prov, keyFile: pub, image: 'ami-0abc' })).toContain('subject us-east-1:ami-0abc is image ami-0abc');

      // One byte of the signed statement changed: "us-east-1" becomes "us-east-2".
      const env = JSON.parse(readFileSync(prov, 'utf8'));
      const payload = Buffer.from(env.payload, 'base64');
      const at = payload.indexOf('us-east-1') + 8;
      payload[at] = '2'.charCodeAt(0);
      const tampered = join(dir, `tampered-${type}.jsonl`);
      writeFileSync(tampered, JSON.stringify({ ...env, payload: payload.toString('base64') }) + '\n');
      expect(await fail(verifyProvenance({ provenance: tampered, keyFile: pub }))).toBe(`${tampered}: the signature does not match the statement: it was changed after signing`);

      const other = keyPair(dir, `other-${type}`, 'ed25519');
      expect(await fail(verifyProvenance({ provenance: prov, keyFile: other.pub }))).toMatch(new RegExp(`^${prov}: signed by another key \\(keyid [0-9a-f]{16}\\), not ${other.pub} \\(keyid [0-9a-f]{16}\\), or changed after signing$`));

      const elsewhere = join(dir, 'other.img');
      writeFileSync(elsewhere, 'another disk');
      expect(await fail(verifyProvenance({ provenance: prov, keyFile: pub, file: elsewhere }))).toMatch(new RegExp(`^${prov}: the subject does not match: ${elsewhere} \\(sha256 [0-9a-f]{16}…\\) is none of web.qcow2, us-east-1:ami-0abc$`));
      expect(await fail(verifyProvenance({ provenance: prov, keyFile: pub, image: 'ami-0999' }))).toBe(`${prov}: the subject does not match: no subject is image ami-0999 (the statement names web.qcow2, us-east-1:ami-0abc)`);
    });
  }

  it('OpenSSH keys: an ed25519 private key signs, its .pub verifies; a passphrase-protected ECDSA key needs the right passphrase', async () => {
    const k1 = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k1]);
    const prov = write('ssh.intoto.jsonl', k1);
    expect(await verifyProvenance({ provenance: prov, keyFile: `${k1}.pub` })).toMatch(/: verified: signed by .*id_ed25519\.pub; build web/);

    const k2 = join(dir, 'id_ecdsa');
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', 'right horse', '-f', k2]);
    expect(() => loadSigningKey(k2, undefined)).toThrow(`${k2}: -sign-key: the key is encrypted: set BAKE_SIGN_KEY_PASSPHRASE to its passphrase`);
    expect(() => loadSigningKey(k2, 'wrong')).toThrow(`${k2}: -sign-key: wrong passphrase`);
    expect(loadSigningKey(k2, 'right horse').hash).toBe('sha256');
  });

  it('bad signing keys: one line naming the file', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsa = join(dir, 'rsa.pem');
    writeFileSync(rsa, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadSigningKey(rsa)).toThrow(`${rsa}: -sign-key: rsa keys are not supported: use an ed25519 or ECDSA key`);
    const enc = join(dir, 'enc.pem');
    writeFileSync(enc, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }));
    expect(() => loadSigningKey(enc, 'nope')).toThrow(`${enc}: -sign-key: wrong passphrase`);
    expect(() => loadSigningKey(enc, undefined)).toThrow(`${enc}: -sign-key: the key is encrypted: set BAKE_SIGN_KEY_PASSPHRASE to its passphrase`);
    expect(loadSigningKey(enc, 'pw').keyid).toMatch(/^[0-9a-f]{64}$/);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'hello');
    expect(() => loadSigningKey(junk)).toThrow(`${junk}: -sign-key: not a PEM or OpenSSH private key`);
    expect(() => loadSigningKey(join(dir, 'missing.pem'))).toThrow(/missing\.pem: -sign-key: cannot read it: ENOENT/);
  });

  it('an unsigned statement is written and bake verify says it is unsigned', async () => {
    const { pub } = keyPair(dir, 'any', 'ed25519');
    const prov = write('unsigned.intoto.jsonl', undefined);
    const env = JSON.parse(readFileSync(prov, 'utf8'));
    expect(env.signatures).toEqual([]);
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString());
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(statement.predicate.buildDefinition.externalParameters).toMatchObject({ variables: { region: 'us-east-1' }, sensitiveVariables: ['db_password'] });
    expect(await fail(verifyProvenance({ provenance: prov, keyFile: pub }))).toBe(`${prov}: not signed (it was written without -sign-key)`);
  });
});
