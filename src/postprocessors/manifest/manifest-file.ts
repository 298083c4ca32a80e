import { readFile, rename, writeFile } from 'node:fs/promises';
import { BakeError, errorText } from '../../core/errors.js';

/** One build in Packer's manifest format; field order is Packer's. */
export interface ManifestBuild {
  name: string;
  builder_type: string;
  build_time?: number;
  files: { name: string; size: number }[];
  artifact_id: string;
  packer_run_uuid: string;
  custom_data?: Record<string, string>;
  /** bake's addition: the provisioned machine's SSH host key and how it was verified. */
  ssh_host_key?: { fingerprint: string; method: string };
}

export interface ManifestFile {
  builds: ManifestBuild[];
  last_run_uuid: string;
}

/** Appends one build and sets last_run_uuid, as Packer does; the file is replaced atomically. */
export async function appendBuild(path: string, build: ManifestBuild): Promise<ManifestFile> {
  const current = await readManifest(path);
  const next: ManifestFile = { builds: [...current.builds, build], last_run_uuid: build.packer_run_uuid };
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`);
  await rename(temp, path);
  return next;
}

async function readManifest(path: string): Promise<ManifestFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { builds: [], last_run_uuid: '' };
    throw new BakeError(`manifest ${path}: cannot read it: ${errorText(err)}`, { cause: err });
  }
  if (!text.trim()) return { builds: [], last_run_uuid: '' };
  try {
    const parsed = JSON.parse(text) as Partial<ManifestFile>;
    if (!Array.isArray(parsed.builds)) throw new Error('no "builds" list');
    return { builds: parsed.builds, last_run_uuid: parsed.last_run_uuid ?? '' };
  } catch (err) {
    throw new BakeError(`manifest ${path}: not a manifest (${errorText(err)}); move it away or choose another "output"`, { cause: err });
  }
}
