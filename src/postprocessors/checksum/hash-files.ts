import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { byteProgress } from '../../core/byte-progress.js';
import type { PostProcessContext } from '../../core/context.js';
import { BakeError, errorText, isAbort } from '../../core/errors.js';
import { fileIdentity, knownDigest, rememberDigests } from '../../local-image/index.js';
import type { ChecksumType } from './schema.js';

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
  const progress = byteProgress(ctx.log, 'Computing checksums', 'checksum', total);
  const out: Record<ChecksumType, string>[] = [];
  for (const [i, file] of files.entries()) {
    // A digest this run already has of the unchanged file (the provenance's sha256) is not computed again.
    const path = resolve(file);
    const identity = fileIdentity(path);
    const reused = Object.fromEntries(types.flatMap((t) => {
      const hex = knownDigest(path, t);
      return hex ? [[t, hex]] : [];
    }));
    const hashes = types.filter((t) => !reused[t]).map((t) => [t, createHash(t)] as [ChecksumType, Hash]);
    if (hashes.length === 0) {
      progress.add(sizes[i]!);
      out.push(reused as Record<ChecksumType, string>);
      continue;
    }
    try {
      for await (const chunk of createReadStream(path, { signal: ctx.signal, highWaterMark: 1 << 20 })) {
        for (const [, h] of hashes) h.update(chunk as Buffer);
        progress.add((chunk as Buffer).length);
      }
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new BakeError(`checksum: cannot read "${file}": ${errorText(err)}`, { cause: err });
    }
    const computed = Object.fromEntries(hashes.map(([t, h]) => [t, h.digest('hex')]));
    rememberDigests(path, identity, computed);
    out.push({ ...reused, ...computed } as Record<ChecksumType, string>);
  }
  progress.finish();
  return out;
}
