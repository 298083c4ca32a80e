import dns from 'node:dns';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleSupports, envelope, loadSigningKey, sigstoreBundle, verifyProvenance } from '../../src/provenance/index.js';
import { exampleStatement, keyPair } from './fixtures.js';
import { hashFile } from '../../src/local-image/index.js';

/**
 * The signed provenance as a Sigstore bundle (v0.3), written with @sigstore/bundle and checked by
 * `bake verify` through @sigstore/verify, offline with the user's key: every socket connection and
 * DNS lookup made meanwhile is recorded and refused, and there must be none.
 */
const dir = mkdtempSync(join(tmpdir(), 'bake-sigstore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const image = join(dir, 'web.qcow2');
writeFileSync(image, 'disk image bytes');

const reached: string[] = [];
const original = { connect: net.Socket.prototype.connect, lookup: dns.lookup, fetch: globalThis.fetch };
beforeEach(() => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    reached.push(`connect ${JSON.stringify(args[0])}`);
    throw new Error('no network in this test');
  } as typeof net.Socket.prototype.connect;
  dns.lookup = ((host: string) => {
    reached.push(`lookup ${host}`);
    throw new Error('no network in this test');
  }) as unknown as typeof dns.lookup;
  globalThis.fetch = (async (url: unknown) => {
    reached.push(`fetch ${String(url)}`);
    throw new Error('no network in this test');
  }) as typeof fetch;
});
afterEach(() => {
  net.Socket.prototype.connect = original.connect;
  dns.lookup = original.lookup;
  globalThis.fetch = original.fetch;
});

async function writeBundle(name: string, keyFile: string): Promise<string> {
  const statement = exampleStatement('qemu', [{ name: 'web.qcow2', digest: { sha256: await hashFile(image, 'sha256') } }]);
  const key = loadSigningKey(keyFile);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(sigstoreBundle(envelope(Buffer.from(JSON.stringify(statement)), key), key)) + '\n');
  return file;
}

const fail = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.message);

describe('provenance as a Sigstore bundle, offline', () => {
  for (const [kind, type, curve] of [
    ['ed25519', 'ed25519', undefined],
    ['ECDSA P-256', 'ec', 'prime256v1'],
  ] as const) {
    it(`${kind}: a v0.3 bundle with the DSSE envelope and the key's hint, verified; a one-byte change and another key rejected; no network`, async () => {
      const { priv, pub } = keyPair(dir, kind.replace(/\W/g, ''), type, curve);
      const file = await writeBundle(`${type}.sigstore.json`, priv);
      const bundle = JSON.parse(readFileSync(file, 'utf8'));
      const keyid = loadSigningKey(priv).keyid;
      expect(bundle).toEqual({
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: { publicKey: { hint: keyid }, timestampVerificationData: {} },
        dsseEnvelope: { payload: expect.any(String), payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: expect.any(String), keyid }] },
      });
      expect(await verifyProvenance({ provenance: file, keyFile: pub, file: image })).toMatch(new RegExp(`^${file}: verified: signed by ${pub}; subject web.qcow2 is ${image} \\(sha256 [0-9a-f]{16}…\\); build web of run 20261207T031500Z-ab12 from web.json`));

      const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
      payload[payload.indexOf('us-east-1') + 8] = '2'.charCodeAt(0);
      const tampered = join(dir, `tampered-${type}.sigstore.json`);
      writeFileSync(tampered, JSON.stringify({ ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, payload: payload.toString('base64') } }));
      expect(await fail(verifyProvenance({ provenance: tampered, keyFile: pub }))).toBe(`${tampered}: the signature does not match the statement: it was changed after signing`);

      const other = keyPair(dir, `other-${type}`, 'ed25519');
      expect(await fail(verifyProvenance({ provenance: file, keyFile: other.pub }))).toMatch(new RegExp(`^${file}: signed by another key \\(keyid ${keyid.slice(0, 16)}\\), not ${other.pub} \\(keyid [0-9a-f]{16}\\)$`));
      // The hint names this key but the signature is another key's: the signature check fails, not the lookup.
      const forged = join(dir, `forged-${type}.sigstore.json`);
      const otherBundle = JSON.parse(readFileSync(await writeBundle(`other-${type}.sigstore.json`, other.priv), 'utf8'));
      writeFileSync(forged, JSON.stringify({ ...otherBundle, verificationMaterial: bundle.verificationMaterial }));
      expect(await fail(verifyProvenance({ provenance: forged, keyFile: pub }))).toBe(`${forged}: the signature does not match the statement: it was changed after signing`);

      expect(reached).toEqual([]);
    });
  }

  it('P-384 and P-521 keys get no bundle (Sigstore\'s verifiers hash ECDSA with SHA-256); a broken bundle is one line', async () => {
    expect(bundleSupports(loadSigningKey(keyPair(dir, 'p384', 'ec', 'secp384r1').priv))).toBe(false);
    expect(bundleSupports(loadSigningKey(keyPair(dir, 'p521', 'ec', 'secp521r1').priv))).toBe(false);
    const { pub } = keyPair(dir, 'any', 'ed25519');
    const broken = join(dir, 'broken.sigstore.json');
    writeFileSync(broken, JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {} }));
    expect(await fail(verifyProvenance({ provenance: broken, keyFile: pub }))).toMatch(new RegExp(`^${broken}: not a valid Sigstore bundle: .+$`));
    expect(reached).toEqual([]);
    // The guard itself: a connection attempt is recorded and refused.
    expect(() => net.connect(9, '127.0.0.1')).toThrow('no network in this test');
    expect(reached).toEqual(['connect [{"port":9,"host":"127.0.0.1"},null]']);
    reached.length = 0;
  });
});
