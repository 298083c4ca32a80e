import { dirname } from 'node:path';
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
