import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFromChecksumFile, parseChecksum } from '../../src/local-image/index.js';
import { fetchSource } from '../../src/local-image/index.js';
import { makeBuildContext } from '../helpers/context.js';

const body = Buffer.from('a small disk image\n'.repeat(1000));
const sha256 = createHash('sha256').update(body).digest('hex');
const md5 = createHash('md5').update(body).digest('hex');

describe('parseChecksum', () => {
  it('reads typed and bare digests, files and none', () => {
    expect(parseChecksum(`sha256:${sha256.toUpperCase()}`)).toEqual({ kind: 'digest', algorithm: 'sha256', hex: sha256 });
    expect(parseChecksum(md5)).toEqual({ kind: 'digest', algorithm: 'md5', hex: md5 });
    expect(parseChecksum('none')).toEqual({ kind: 'none' });
    expect(parseChecksum('file:./SHA256SUMS')).toEqual({ kind: 'file', url: './SHA256SUMS' });
    expect(parseChecksum('sha512:file:http://h/SUMS')).toEqual({ kind: 'file', url: 'http://h/SUMS', algorithm: 'sha512' });
  });
});

describe('digestFromChecksumFile', () => {
  it('finds the image in GNU and BSD checksum files', () => {
    expect(digestFromChecksumFile(`${md5}  other.img\n${sha256} *disk.qcow2\n`, 'disk.qcow2')).toEqual({ algorithm: 'sha256', hex: sha256 });
    expect(digestFromChecksumFile(`SHA256 (disk.qcow2) = ${sha256}\n`, 'disk.qcow2')).toEqual({ algorithm: 'sha256', hex: sha256 });
    expect(digestFromChecksumFile(`${sha256}  ./sub/other.img\n`, 'disk.qcow2')).toBeUndefined();
  });
});

describe('fetchSource', () => {
  let server: Server;
  let base: string;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/disk.qcow2') return res.end(body);
      if (req.url === '/SHA256SUMS') return res.end(`${sha256}  disk.qcow2\n`);
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const options = (cacheDir: string) => {
    const ctx = makeBuildContext();
    return { ctx, opts: { log: ctx.log, signal: ctx.signal, baseDir: cacheDir, cacheDir } };
  };

  it('downloads once into the cache, verified, and reuses the download', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'bake-dl-'));
    const { ctx, opts } = options(cache);
    const before = requests;
    const { path, url, verified } = await fetchSource([`${base}/disk.qcow2`], { kind: 'file', url: `${base}/SHA256SUMS` }, opts);
    expect(path.startsWith(join(cache, 'downloads'))).toBe(true);
    // What it was verified against, for the provenance: no second hash.
    expect({ url, verified }).toEqual({ url: `${base}/disk.qcow2`, verified: { algorithm: 'sha256', hex: sha256 } });
    expect(requests - before).toBe(2);
    const again = await fetchSource([`${base}/disk.qcow2`], { kind: 'digest', algorithm: 'sha256', hex: sha256 }, opts);
    expect(again.path).toBe(path);
    expect(requests - before).toBe(2);
    expect(ctx.events.some((e) => e.progress?.label === 'download' && e.progress.done && e.progress.current === body.length)).toBe(true);
  });

  it('deletes a download whose checksum does not match and says so', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'bake-dl-'));
    const wrong = 'b'.repeat(64);
    await expect(fetchSource([`${base}/disk.qcow2`], { kind: 'digest', algorithm: 'sha256', hex: wrong }, options(cache).opts)).rejects.toThrow(
      `${base}/disk.qcow2: sha256 checksum mismatch: expected ${wrong}, got ${sha256}`,
    );
    expect(readdirSync(join(cache, 'downloads'))).toEqual([]);
  });

  it('falls through iso_urls to one that works, and names every failure when none does', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'bake-dl-'));
    const fetched = await fetchSource([`${base}/gone.qcow2`, `${base}/disk.qcow2`], { kind: 'none' }, options(cache).opts);
    expect(existsSync(fetched.path)).toBe(true);
    expect(fetched).toMatchObject({ url: `${base}/disk.qcow2`, verified: undefined });
    await expect(fetchSource([`${base}/gone.qcow2`, join(cache, 'missing.img')], { kind: 'none' }, options(cache).opts)).rejects.toThrow(
      `no usable source image: download of ${base}/gone.qcow2 failed: HTTP 404; ${join(cache, 'missing.img')}: no such file`,
    );
  });

  it('verifies a local path in place, relative to the base directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-dl-'));
    writeFileSync(join(dir, 'disk.qcow2'), body);
    const { opts } = options(dir);
    expect(await fetchSource(['disk.qcow2'], { kind: 'digest', algorithm: 'md5', hex: md5 }, opts)).toEqual({ path: join(dir, 'disk.qcow2'), url: join(dir, 'disk.qcow2'), verified: { algorithm: 'md5', hex: md5 } });
    expect((await fetchSource([`file://${dir}/disk.qcow2`], { kind: 'none' }, opts)).path).toBe(join(dir, 'disk.qcow2'));
    await expect(fetchSource(['disk.qcow2'], { kind: 'digest', algorithm: 'md5', hex: '0'.repeat(32) }, opts)).rejects.toThrow(
      `${join(dir, 'disk.qcow2')}: md5 checksum mismatch: expected ${'0'.repeat(32)}, got ${md5}`,
    );
  });
});
