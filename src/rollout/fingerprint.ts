import type * as Ec2 from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { callAll, type RolloutClients } from './clients.js';

/** The AMI tag holding the fingerprint of everything that decided the image. */
export const FINGERPRINT_TAG = 'bake:fingerprint';

export interface FingerprintInput {
  /**
   * The build's builder and provisioner configs as written, before interpolation, so time-only
   * values ({{timestamp}}, {{isotime}}, {{uuid}}) stay the same literal text from run to run.
   */
  template: unknown;
  /** Variable values the configs interpolate; leave sensitive ones out. */
  variables?: Record<string, string>;
  /** Every provisioned file, script or directory (its content decides the image, not its mtime). */
  files: string[];
  /** The source AMI id after resolution (source_ami_filter → id), so a new base image triggers a build. */
  sourceImage: string;
  /** Relative paths are read from here and hashed under their relative name. */
  baseDir: string;
}

/** JSON with sorted keys, so key order in the template does not change the fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function hashPath(hash: ReturnType<typeof createHash>, path: string, name: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`fingerprint: provisioned file ${name} not found (${path})`);
  }
  if (st.isDirectory()) {
    for (const entry of readdirSync(path).sort()) hashPath(hash, join(path, entry), `${name}/${entry}`);
    return;
  }
  // The mode matters too: a script that lost its executable bit builds a different image.
  hash.update(`file\0${name}\0${st.mode & 0o777}\0`);
  hash.update(readFileSync(path));
  hash.update('\0');
}

/** sha256 (hex) over the template, the variables, the provisioned files' names and contents, and the source image. */
export function fingerprint(input: FingerprintInput): string {
  const hash = createHash('sha256');
  hash.update(`bake-fingerprint-v1\0template\0${canonical(input.template)}\0`);
  hash.update(`variables\0${canonical(input.variables ?? {})}\0`);
  hash.update(`source\0${input.sourceImage}\0`);
  for (const f of [...new Set(input.files)].sort()) {
    const full = isAbsolute(f) ? f : resolve(input.baseDir, f);
    hashPath(hash, full, isAbsolute(f) ? relative(input.baseDir, f) : f);
  }
  return hash.digest('hex');
}

/** What a fingerprint look-up needs: RolloutClients, or a builder's own EC2 clients and signal. */
export type ImageLookup = Pick<RolloutClients, 'ec2' | 'signal'>;

/** The newest available AMI of this account tagged with the fingerprint, if any. */
export async function findByFingerprint(clients: ImageLookup, region: string, value: string): Promise<{ imageId: string; name: string } | undefined> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const images = await callAll<Ec2.DescribeImagesCommandOutput, Ec2.Image>(
    await clients.ec2(region),
    (NextToken) => new ec2.DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: `tag:${FINGERPRINT_TAG}`, Values: [value] }, { Name: 'state', Values: ['available'] }], NextToken }),
    (p) => p.Images,
    `look up an AMI with ${FINGERPRINT_TAG}=${value.slice(0, 12)}… in ${region}`,
    clients.signal,
  );
  const newest = images.sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  return newest ? { imageId: newest.ImageId ?? '', name: newest.Name ?? '' } : undefined;
}
