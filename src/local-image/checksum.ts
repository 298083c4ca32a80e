import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { BakeError } from '../core/errors.js';
import { fileIdentity, knownDigest, rememberDigests } from './file-digests.js';

export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';

/** A file's digest and the algorithm that made it. */
export interface Digest {
  algorithm: HashAlgorithm;
  hex: string;
}

/** What `iso_checksum` asks for: nothing, a known digest, or a checksum file to look the image up in. */
export type ChecksumSpec =
  | { kind: 'none' }
  | ({ kind: 'digest' } & Digest)
  | { kind: 'file'; algorithm?: HashAlgorithm; url: string };

const BY_LENGTH: Record<number, HashAlgorithm> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };

/** Parses Packer's iso_checksum forms; returns an error text (without subject) for a bad one. */
export function parseChecksum(value: string): ChecksumSpec | string {
  const v = value.trim();
  if (v.toLowerCase() === 'none') return { kind: 'none' };
  const file = /^(?:(md5|sha1|sha256|sha512):)?file:(.+)$/i.exec(v);
  if (file) return { kind: 'file', url: file[2]!, ...(file[1] ? { algorithm: file[1].toLowerCase() as HashAlgorithm } : {}) };
  const typed = /^(md5|sha1|sha256|sha512):([0-9a-f]+)$/i.exec(v);
  const hex = (typed ? typed[2]! : v).toLowerCase();
  const algorithm = typed ? (typed[1]!.toLowerCase() as HashAlgorithm) : BY_LENGTH[hex.length];
  if (!/^[0-9a-f]+$/.test(hex) || !algorithm) return 'must be "sha256:<hex>", "file:<url>" or "none"';
  if (BY_LENGTH[hex.length] !== algorithm) return `a ${algorithm} digest has ${Object.entries(BY_LENGTH).find(([, a]) => a === algorithm)![0]} hex digits, got ${hex.length}`;
  return { kind: 'digest', algorithm, hex };
}

/**
 * Finds the digest of `fileName` in a checksum file: GNU lines ("HEX  name", "HEX *name") or BSD
 * lines ("SHA256 (name) = HEX"). A file with one bare digest applies to any name.
 */
export function digestFromChecksumFile(text: string, fileName: string): Digest | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const bsd = /^(MD5|SHA1|SHA256|SHA512) \((.+)\) = ([0-9a-fA-F]+)$/.exec(line);
    if (bsd && basename(bsd[2]!) === fileName) return { algorithm: bsd[1]!.toLowerCase() as HashAlgorithm, hex: bsd[3]!.toLowerCase() };
    const gnu = /^([0-9a-fA-F]+)\s+\*?(.+)$/.exec(line);
    if (gnu && basename(gnu[2]!.replace(/^\.\//, '')) === fileName) return typedDigest(gnu[1]!);
  }
  if (lines.length === 1 && /^[0-9a-fA-F]+$/.test(lines[0]!)) return typedDigest(lines[0]!);
  return undefined;
}

function typedDigest(hex: string): Digest | undefined {
  const algorithm = BY_LENGTH[hex.length];
  return algorithm ? { algorithm, hex: hex.toLowerCase() } : undefined;
}

/** Streams the file through the hash, unless this process already hashed the same, unchanged file with it. */
export async function hashFile(path: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string> {
  const file = resolve(path);
  const known = knownDigest(file, algorithm);
  if (known) return known;
  const identity = fileIdentity(file);
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file, { signal, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  const hex = hash.digest('hex');
  rememberDigests(file, identity, { [algorithm]: hex });
  return hex;
}

/** Throws naming the file and both digests when `path` does not match. */
export async function verifyDigest(path: string, expected: Digest, what: string, signal?: AbortSignal): Promise<void> {
  const actual = await hashFile(path, expected.algorithm, signal);
  if (actual !== expected.hex) {
    throw new BakeError(`${what}: ${expected.algorithm} checksum mismatch: expected ${expected.hex}, got ${actual}`);
  }
}
