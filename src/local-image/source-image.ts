import type { BuildContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { type ChecksumSpec, parseChecksum } from './checksum.js';
import { ensureBaseImage } from './base-image.js';
import { fetchSource } from './download.js';
import { imageInfo } from './qemu-img.js';

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

/** The base image: bake's own (built once), or iso_url/iso_urls downloaded once into the cache and verified. */
export async function openSourceImage(source: Source, ctx: Pick<BuildContext, 'log' | 'signal'>): Promise<{ sourcePath: string; sourceFormat: string }> {
  const path =
    source.kind === 'base'
      ? await ensureBaseImage(ctx.log, ctx.signal)
      : await fetchSource(source.urls, source.checksum, { log: ctx.log, signal: ctx.signal, baseDir: process.cwd() });
  const { format } = await imageInfo(path, ctx.signal);
  ctx.log.say(`Using base image ${path} (${format})`);
  return { sourcePath: path, sourceFormat: format };
}
