import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { BakeError, errorText, isAbort } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { defaultCacheDir } from '../core/journal.js';
import { type ChecksumSpec, type Digest, digestFromChecksumFile, verifyDigest } from './checksum.js';

export interface FetchOptions {
  log: Logger;
  signal: AbortSignal;
  /** Relative paths are taken from here. */
  baseDir: string;
  cacheDir?: string;
}

const isHttp = (url: string) => /^https?:\/\//i.test(url);

function localPath(url: string, baseDir: string): string {
  if (/^file:/i.test(url)) return fileURLToPath(url);
  return isAbsolute(url) ? url : resolve(baseDir, url);
}

async function readText(url: string, options: FetchOptions): Promise<string> {
  if (!isHttp(url)) return readFileSync(localPath(url, options.baseDir), 'utf8');
  const res = await fetch(url, { signal: options.signal });
  if (!res.ok) throw new BakeError(`checksum file ${url}: HTTP ${res.status}`);
  return res.text();
}

async function expectedDigest(spec: ChecksumSpec, url: string, options: FetchOptions): Promise<Digest | undefined> {
  if (spec.kind === 'none') return undefined;
  if (spec.kind === 'digest') return { algorithm: spec.algorithm, hex: spec.hex };
  const name = basename(new URL(url, 'file:///').pathname);
  const found = digestFromChecksumFile(await readText(spec.url, options), name);
  if (!found) throw new BakeError(`iso_checksum: no checksum for ${name} in ${spec.url}`);
  return spec.algorithm ? { ...found, algorithm: spec.algorithm } : found;
}

async function download(url: string, dest: string, options: FetchOptions): Promise<void> {
  const res = await fetch(url, { signal: options.signal });
  if (!res.ok || !res.body) throw new BakeError(`download of ${url} failed: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length')) || undefined;
  let current = 0;
  let lastReport = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  body.on('data', (chunk: Buffer) => {
    current += chunk.length;
    if (Date.now() - lastReport > 500) {
      lastReport = Date.now();
      options.log.progress(`Downloading ${basename(dest)}`, { label: 'download', current, total, unit: 'bytes' });
    }
  });
  await pipeline(body, createWriteStream(dest), { signal: options.signal });
  options.log.progress(`Downloaded ${basename(dest)}`, { label: 'download', current, total, unit: 'bytes', done: true });
}

/** The source fetchSource settled on: its local path, the URL or path it came from, and the digest it was verified against (none with iso_checksum "none"). */
export interface FetchedSource {
  path: string;
  url: string;
  verified?: Digest;
}

/**
 * The local path of the first usable source: a path is verified in place; a URL is downloaded once
 * into the cache, verified, and reused by later builds. A file that fails verification is deleted.
 */
export async function fetchSource(urls: string[], checksum: ChecksumSpec, options: FetchOptions): Promise<FetchedSource> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      const expected = await expectedDigest(checksum, url, options);
      if (!isHttp(url)) {
        const path = localPath(url, options.baseDir);
        if (!existsSync(path)) throw new BakeError(`${path}: no such file`);
        if (expected) await verifyDigest(path, expected, path, options.signal);
        return { path, url: path, verified: expected };
      }
      const dir = join(options.cacheDir ?? defaultCacheDir(), 'downloads');
      mkdirSync(dir, { recursive: true });
      const key = createHash('sha256').update(url).digest('hex').slice(0, 16);
      const path = join(dir, `${key}-${basename(new URL(url).pathname) || 'image'}`);
      if (existsSync(path)) {
        try {
          if (expected) await verifyDigest(path, expected, url, options.signal);
          options.log.info(`Using cached download of ${url}`);
          return { path, url, verified: expected };
        } catch (err) {
          if (isAbort(err)) throw err;
          rmSync(path, { force: true });
        }
      }
      const part = `${path}.part-${process.pid}`;
      try {
        await download(url, part, options);
        if (expected) await verifyDigest(part, expected, url, options.signal);
        renameSync(part, path);
      } finally {
        rmSync(part, { force: true });
      }
      return { path, url, verified: expected };
    } catch (err) {
      if (isAbort(err)) throw err;
      failures.push(errorText(err));
    }
  }
  throw new BakeError(urls.length === 1 ? failures[0]! : `no usable source image: ${failures.join('; ')}`);
}
