import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PostProcessContext } from '../../core/context.js';
import { BakeError, errorText, isAbort } from '../../core/errors.js';
import { fileIdentity, knownDigest, rememberDigests } from '../../local-image/index.js';
import type { ChecksumType } from './schema.js';

const PROGRESS_EVERY_MS = 250;

/** Streams each file once through every requested hash; returns hex digests by type, per file. */
export async function hashFiles(
  ctx: PostProcessContext,
  files: string[],
  types: readonly ChecksumType[],
): Promise<Record<ChecksumType, string>[]> {
  const sizes = await Promise.all(
    files.map((f) =>
      stat(f).then(
        (s) => {
          if (!s.isFile()) throw new BakeError(`checksum: "${f}" is not a file`);
          return s.size;
        },
        (err) => {
          throw new BakeError(`checksum: cannot read "${f}": ${errorText(err)}`, { cause: err });
        },
      ),
    ),
  );
  const total = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  let lastReport = 0;
  const out: Record<ChecksumType, string>[] = [];
  for (const [i, file] of files.entries()) {
    // A digest this run already has of the unchanged file (the provenance's sha256) is not computed again.
    const path = resolve(file);
    const identity = fileIdentity(path);
    const reused = Object.fromEntries(types.flatMap((t) => (knownDigest(path, t) ? [[t, knownDigest(path, t)!]] : [])));
    const hashes = types.filter((t) => !reused[t]).map((t) => [t, createHash(t)] as [ChecksumType, Hash]);
    if (hashes.length === 0) {
      done += sizes[i]!;
      out.push(reused as Record<ChecksumType, string>);
      continue;
    }
    try {
      for await (const chunk of createReadStream(path, { signal: ctx.signal, highWaterMark: 1 << 20 })) {
        for (const [, h] of hashes) h.update(chunk as Buffer);
        done += (chunk as Buffer).length;
        if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
          lastReport = Date.now();
          ctx.log.progress('Computing checksums', { label: 'checksum', current: done, total, unit: 'bytes' });
        }
      }
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new BakeError(`checksum: cannot read "${file}": ${errorText(err)}`, { cause: err });
    }
    const computed = Object.fromEntries(hashes.map(([t, h]) => [t, h.digest('hex')]));
    rememberDigests(path, identity, computed);
    out.push({ ...reused, ...computed } as Record<ChecksumType, string>);
  }
  ctx.log.progress('Computing checksums', { label: 'checksum', current: done, total, unit: 'bytes', done: true });
  return out;
}
