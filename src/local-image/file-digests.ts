import { statSync } from 'node:fs';

/**
 * Digests this process already computed, so that one file is read once per algorithm: the
 * provenance hashes the image for its subject, and a `checksum` post-processor asking for the same
 * algorithm afterwards reuses that digest instead of reading 400 MiB again. An entry holds only
 * while the file's identity — device, inode, size, modification and change times in nanoseconds —
 * is what it was while it was hashed: any write, replacement or `touch` changes the change time.
 */
const known = new Map<string, { identity: string; digests: Map<string, string> }>();

/** A file's identity as above; undefined when it cannot be read. */
export function fileIdentity(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(':');
  } catch {
    return undefined;
  }
}

export function knownDigest(path: string, algorithm: string): string | undefined {
  const entry = known.get(path);
  return entry && entry.identity === fileIdentity(path) ? entry.digests.get(algorithm) : undefined;
}

/** Keeps digests computed from the file as it was at `identity` (taken before reading), if it is still that file. */
export function rememberDigests(path: string, identity: string | undefined, digests: Record<string, string>): void {
  if (identity === undefined || fileIdentity(path) !== identity) return;
  const entry = known.get(path);
  const kept = entry?.identity === identity ? entry.digests : new Map<string, string>();
  for (const [algorithm, hex] of Object.entries(digests)) kept.set(algorithm, hex);
  known.set(path, { identity, digests: kept });
}
