import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveChrootConfig } from '../../src/builders/chroot/resolve.js';
import { sourceStep as chrootSource } from '../../src/builders/chroot/steps/source.js';
import { resolveQemuConfig } from '../../src/builders/qemu/resolve.js';
import { sourceStep as qemuSource } from '../../src/builders/qemu/steps/source.js';
import type { Artifact } from '../../src/core/artifact.js';
import { baseImageDigest, type OpenedSource, sourceMetadata } from '../../src/local-image/index.js';
import { sourceImage } from '../../src/supply-chain/subjects.js';
import { makeBuildContext } from '../helpers/context.js';

/**
 * The source image in the provenance of local builds: the digest iso_checksum verified (not a
 * second hash), the file's sha256 when iso_checksum is "none", bake's base image's digest kept
 * beside it; and the null builder's machine, named by its SSH host key.
 */
const dir = mkdtempSync(join(tmpdir(), 'bake-source-digest-'));
const body = Buffer.from('a raw disk image\n'.repeat(4096));
const image = join(dir, 'disk.img');
writeFileSync(image, body);
const hex = (algorithm: string, data: Buffer | string) => createHash(algorithm).update(data).digest('hex');
const env = { file: 't.json', path: 'builders[0]', templateDir: dir };
const artifact = (metadata: Record<string, unknown>): Artifact => ({ builderType: 'x', buildName: 'b', id: 'i', files: [], images: {}, metadata, description: '' });

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/disk.img') return res.end(body);
    if (req.url === '/SHA512SUMS') return res.end(`${hex('sha512', body)}  disk.img\n`);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the source image of local builds, for the provenance', () => {
  it('qemu: the digest iso_checksum gave and the file was verified against (md5 here: not hashed again as sha256)', async () => {
    const c = resolveQemuConfig({ ssh_username: 'u', iso_url: image, iso_checksum: `md5:${hex('md5', body)}` }, env);
    const opened = (await qemuSource(c).run(makeBuildContext(), {})) as OpenedSource;
    expect(opened).toMatchObject({ sourcePath: image, sourceUri: image, sourceFormat: 'raw', sourceDigest: { algorithm: 'md5', hex: hex('md5', body) } });
    expect(sourceImage(artifact(sourceMetadata(opened)))).toEqual({ uri: `file://${image}`, digest: { md5: hex('md5', body) } });
  });

  it('qemu: a download is named by its URL, with the digest of the checksum file it was verified against; the cached path is an annotation', async () => {
    const c = resolveQemuConfig({ ssh_username: 'u', iso_url: `${base}/disk.img`, iso_checksum: `file:${base}/SHA512SUMS` }, env);
    const cache = process.env.BAKE_CACHE_DIR;
    process.env.BAKE_CACHE_DIR = join(dir, 'cache');
    try {
      const opened = (await qemuSource(c).run(makeBuildContext(), {})) as OpenedSource;
      expect(opened.sourceUri).toBe(`${base}/disk.img`);
      expect(sourceImage(artifact(sourceMetadata(opened)))).toEqual({ uri: `${base}/disk.img`, digest: { sha512: hex('sha512', body) }, annotations: { local_path: opened.sourcePath } });
    } finally {
      if (cache === undefined) delete process.env.BAKE_CACHE_DIR;
      else process.env.BAKE_CACHE_DIR = cache;
    }
  });

  it('chroot: iso_checksum "none" verifies nothing, so the file is hashed (sha256) for the provenance', async () => {
    const c = resolveChrootConfig({ iso_url: `file://${image}`, iso_checksum: 'none' }, env);
    const opened = (await chrootSource(c).run(makeBuildContext(), {})) as OpenedSource;
    expect(opened.sourceDigest).toEqual({ algorithm: 'sha256', hex: hex('sha256', body) });
    expect(sourceMetadata(opened)).toEqual({ source: image, source_uri: image, source_digest: `sha256:${hex('sha256', body)}` });
    expect(sourceImage(artifact(sourceMetadata(opened)))).toEqual({ uri: `file://${image}`, digest: { sha256: hex('sha256', body) } });
  });

  it('bake\'s base image: the digest is kept beside it and used while the file is unchanged', async () => {
    const qcow2 = join(dir, 'debian-12-bake-0123abcd.qcow2');
    writeFileSync(qcow2, body);
    const memo = join(dir, 'debian-12-bake-0123abcd-sha256.json');
    expect(await baseImageDigest(qcow2)).toEqual({ algorithm: 'sha256', hex: hex('sha256', body) });
    const kept = JSON.parse(readFileSync(memo, 'utf8'));
    expect(kept.sha256).toBe(hex('sha256', body));
    // Proof that the kept digest is what is read: a planted one is returned while the file is untouched...
    writeFileSync(memo, JSON.stringify({ ...kept, sha256: 'f'.repeat(64) }));
    expect((await baseImageDigest(qcow2)).hex).toBe('f'.repeat(64));
    // ...and ignored once the file changed, even with its old modification time put back.
    const { mtime } = await import('node:fs').then((fs) => fs.statSync(qcow2));
    writeFileSync(qcow2, Buffer.concat([body, Buffer.from('x')]));
    utimesSync(qcow2, mtime, mtime);
    expect((await baseImageDigest(qcow2)).hex).toBe(hex('sha256', Buffer.concat([body, Buffer.from('x')])));
    // An unreadable memo is hashed over, not an error.
    writeFileSync(memo, '{');
    expect((await baseImageDigest(qcow2)).hex).toBe(hex('sha256', Buffer.concat([body, Buffer.from('x')])));
  });

  it('null builder: the machine by its ssh:// address and the SSH host key it answered with; nothing with communicator none', () => {
    const key = Buffer.alloc(32, 7);
    const fingerprint = `SHA256:${key.toString('base64').replace(/=+$/, '')}`;
    expect(sourceImage(artifact({ source_uri: 'ssh://deploy@10.0.0.5:22', ssh_host_key: { fingerprint, type: 'ssh-ed25519', method: 'known_hosts' } }))).toEqual({
      uri: 'ssh://deploy@10.0.0.5:22',
      digest: { sshHostKeySha256: key.toString('hex') },
    });
    expect(sourceImage(artifact({}))).toBeUndefined();
  });
});
