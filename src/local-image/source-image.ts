import type { BuildContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { type ChecksumSpec, type Digest, hashFile, parseChecksum } from './checksum.js';
import { ensureBaseImage } from './base-image.js';
import { fetchSource } from './download.js';
import { imageInfo } from './qemu-img.js';
import { baseImageDigest } from './source-digest.js';

/** Where a local build starts: bake's own base image, or iso_url/iso_urls verified against iso_checksum. */
export type Source = { kind: 'base' } | { kind: 'url'; urls: string[]; checksum: ChecksumSpec };

/** The template's iso_url/iso_urls/iso_checksum; `at` names a key as "file: path.key" for errors. */
export function resolveSource(config: { iso_url?: string; iso_urls?: string[]; iso_checksum?: string }, at: (key: string) => string): Source {
  const urls = config.iso_urls?.length ? config.iso_urls : config.iso_url ? [config.iso_url] : [];
  if (urls.length === 0) return { kind: 'base' };
  if (config.iso_checksum === undefined) throw new UsageError(`${at('iso_checksum')}: required with iso_url (use "none" to skip verification)`);
  const checksum = parseChecksum(config.iso_checksum);
  if (typeof checksum === 'string') throw new UsageError(`${at('iso_checksum')}: ${checksum}`);
  return { kind: 'url', urls, checksum };
}

/** The opened source image: its local path and format, and what the provenance names it by. */
export interface OpenedSource {
  sourcePath: string;
  sourceFormat: string;
  /** The URL or path it came from (iso_url; for the base image, its path). */
  sourceUri: string;
  /** iso_checksum's digest the file was verified against; otherwise the file's sha256. */
  sourceDigest: Digest;
}

/**
 * The base image: bake's own (built once), or iso_url/iso_urls downloaded once into the cache and
 * verified. Its digest is the one it was just verified against, not hashed a second time; a source
 * with iso_checksum "none" is hashed here (streamed) so the provenance still names its contents.
 */
export async function openSourceImage(source: Source, ctx: Pick<BuildContext, 'log' | 'signal'>): Promise<OpenedSource> {
  let opened: Omit<OpenedSource, 'sourceFormat'>;
  if (source.kind === 'base') {
    const path = await ensureBaseImage(ctx.log, ctx.signal);
    opened = { sourcePath: path, sourceUri: path, sourceDigest: await baseImageDigest(path, ctx.signal) };
  } else {
    const fetched = await fetchSource(source.urls, source.checksum, { log: ctx.log, signal: ctx.signal, baseDir: process.cwd() });
    const digest = fetched.verified ?? { algorithm: 'sha256' as const, hex: await hashFile(fetched.path, 'sha256', ctx.signal) };
    opened = { sourcePath: fetched.path, sourceUri: fetched.url, sourceDigest: digest };
  }
  const { format } = await imageInfo(opened.sourcePath, ctx.signal);
  ctx.log.say(`Using base image ${opened.sourcePath} (${format})`);
  return { ...opened, sourceFormat: format };
}

/** What a local builder's artifact says about its source image (read back by the provenance). */
export function sourceMetadata(s: Pick<OpenedSource, 'sourcePath' | 'sourceUri' | 'sourceDigest'>): Record<string, string> {
  return { source: s.sourcePath, source_uri: s.sourceUri, source_digest: `${s.sourceDigest.algorithm}:${s.sourceDigest.hex}` };
}
