import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type Digest, hashFile } from './checksum.js';
import { fileIdentity } from './file-digests.js';

/**
 * The sha256 of bake's own base image, for the provenance of every build that starts from it.
 * Hashing its 420 MiB costs seconds, so the digest is kept beside the image
 * (`debian-12-bake-<hash>-sha256.json`, removed with the image by removeStaleImages) with the
 * file's identity (fileIdentity) and used only while it still matches.
 */
export async function baseImageDigest(path: string, signal?: AbortSignal): Promise<Digest> {
  const memo = path.replace(/\.qcow2$/, '-sha256.json');
  const identity = fileIdentity(path);
  try {
    const kept = JSON.parse(readFileSync(memo, 'utf8')) as { identity?: string; sha256?: unknown };
    if (kept.identity === identity && typeof kept.sha256 === 'string' && /^[0-9a-f]{64}$/.test(kept.sha256)) return { algorithm: 'sha256', hex: kept.sha256 };
  } catch {
    // No digest kept yet, or an unreadable one: hash the image.
  }
  const hex = await hashFile(path, 'sha256', signal);
  // Only a digest of the file as it still is: one changed while it was hashed is hashed again next time.
  if (identity !== undefined && fileIdentity(path) === identity) {
    try {
      writeFileSync(`${memo}.${process.pid}`, JSON.stringify({ identity, sha256: hex }) + '\n');
      renameSync(`${memo}.${process.pid}`, memo);
    } catch {
      // A read-only cache: the digest is computed again by the next build.
    }
  }
  return { algorithm: 'sha256', hex };
}
