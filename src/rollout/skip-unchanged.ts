import { dirname } from 'node:path';
import type { SkipUnchanged } from '../core/context.js';
import { findByFingerprint, fingerprint, type FingerprintInput, type ImageLookup } from './fingerprint.js';

type Config = Record<string, unknown>;

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The local files the provisioners feed into the image, from their configs as written. Where the
 * exact list is unknown (a state file's own sources) the whole folder counts: hashing too much
 * only costs a rebuild, hashing too little would skip a build that was needed.
 */
export function provisionedFiles(provisioners: Config[]): string[] {
  const files: string[] = [];
  for (const p of provisioners) {
    switch (p.type) {
      case 'shell':
      case 'shell-local':
        files.push(...strings(p.script), ...strings(p.scripts));
        break;
      case 'file':
        // A generated source does not exist before the build: the steps that make it are hashed instead.
        if (p.direction !== 'download' && p.generated !== true && p.generated !== 'true') files.push(...strings(p.source), ...strings(p.sources));
        break;
      case 'state':
        files.push(...strings(p.state_file).map((f) => dirname(f)));
        break;
    }
  }
  return files;
}

export interface UnchangedCheck {
  fingerprint: string;
  /** An AMI built from exactly these inputs, when one exists. */
  existing?: { imageId: string; name: string };
}

/** What `bake build --skip-unchanged` asks before launching anything: the fingerprint, and an AMI already made from it. */
export async function checkUnchanged(clients: ImageLookup, region: string, input: FingerprintInput): Promise<UnchangedCheck> {
  const value = fingerprint(input);
  return { fingerprint: value, existing: await findByFingerprint(clients, region, value) };
}

/**
 * SSH options saying how bake reaches the instance, not what goes into the image: they stay out of
 * fingerprints, so a new bastion, port or timeout does not rebuild. (ssh_username and
 * ssh_clear_authorized_keys do count: they change what ends up on the disk.)
 */
export function isConnectionOption(key: string): boolean {
  return /^(ssh_(host|port|password|private_key_file|agent_auth|timeout|wait_timeout|handshake_attempts|keep_alive_interval|read_write_timeout|ciphers|key_exchange_algorithms|certificate_file|keypair_name|temporary_key_pair_\w+)|ssh_(bastion|proxy)_\w+|temporary_key_pair_\w+|pause_before_connecting)$/.test(key);
}

/**
 * The fingerprint of one build under `--skip-unchanged`: its template part without the builder
 * keys `omit` names, every local file its provisioners use plus `extraFiles` (e.g. user_data_file),
 * and the resolved source image.
 */
export function buildFingerprint(skip: SkipUnchanged, sourceImage: string, options: { omit?: (key: string) => boolean; extraFiles?: string[] } = {}): string {
  const omit = options.omit ?? (() => false);
  const builder = Object.fromEntries(Object.entries(skip.template.builder).filter(([k]) => !omit(k)));
  const files = [...provisionedFiles(skip.provisioners), ...(options.extraFiles ?? [])];
  return fingerprint({ template: { ...skip.template, builder }, files, sourceImage, baseDir: skip.baseDir });
}
