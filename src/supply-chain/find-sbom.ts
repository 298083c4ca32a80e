import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { SBOM_FILE } from './history.js';

/** One SBOM `bake diff` found for an argument, with the build it belongs to when known. */
export interface FoundSbom {
  build?: string;
  path: string;
}

/**
 * What `bake diff` accepts for A and B: a CycloneDX file, a manifest (its builds' SBOM files), a
 * run record or run id (each build's SBOM kept in the run's folder), an image file with an SBOM
 * beside it, or a cloud image id that a run record lists.
 */
export function findSboms(arg: string, runsDir: string): FoundSbom[] {
  if (existsSync(arg) && statSync(arg).isFile()) return fromFile(arg, runsDir);
  const run = join(runsDir, arg);
  if (/^\d{8}T\d{6}Z-[0-9a-f]+$/.test(arg) && existsSync(run)) return fromRunDir(arg, runsDir);
  const byImage = fromImageId(arg, runsDir);
  if (byImage) return [byImage];
  throw new UsageError(`${arg}: not an SBOM, manifest, run record, image file, run id in ${runsDir}, or image id a run record lists`);
}

function fromFile(file: string, runsDir: string): FoundSbom[] {
  if (file.endsWith('.jsonl')) return fromRunDir(basename(file, '.jsonl'), runsDir, file);
  const head = readFileSync(file, { encoding: 'utf8', flag: 'r' }).slice(0, 1 << 20);
  if (head.trimStart().startsWith('{')) {
    let doc: { bomFormat?: string; builds?: { name?: string; files?: { name?: string }[] }[] } | undefined;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      doc = undefined;
    }
    if (doc?.bomFormat === 'CycloneDX') return [{ path: file }];
    if (Array.isArray(doc?.builds)) return fromManifest(file, doc.builds);
  }
  const beside = join(dirname(file), SBOM_FILE);
  if (existsSync(beside)) return [{ path: beside }];
  throw new UsageError(`${file}: no ${SBOM_FILE} beside it, and it is not an SBOM, manifest or run record`);
}

/** A manifest lists each build's files; the newest entry of each build name wins (builds are appended). */
function fromManifest(file: string, builds: { name?: string; files?: { name?: string }[] }[]): FoundSbom[] {
  const found = new Map<string, FoundSbom>();
  for (const b of builds) {
    const sbom = b.files?.find((f) => typeof f.name === 'string' && basename(f.name) === SBOM_FILE)?.name;
    if (!sbom) continue;
    const path = existsSync(sbom) ? sbom : join(dirname(file), sbom);
    if (existsSync(path)) found.set(b.name ?? '', { build: b.name, path });
  }
  if (found.size === 0) throw new UsageError(`${file}: the manifest lists no ${SBOM_FILE} that exists`);
  return [...found.values()];
}

function fromRunDir(runId: string, runsDir: string, record?: string): FoundSbom[] {
  const dir = join(runsDir, runId);
  let builds: string[] = [];
  try {
    builds = readdirSync(dir).filter((b) => existsSync(join(dir, b, SBOM_FILE)));
  } catch {
    // No folder: the run made no SBOM.
  }
  if (builds.length === 0) throw new UsageError(`${record ?? runId}: run ${runId} kept no SBOM (looked in ${dir})`);
  return builds.sort().map((b) => ({ build: b, path: join(dir, b, SBOM_FILE) }));
}

/** The build whose recorded artifact has this image id, newest run first. */
function fromImageId(id: string, runsDir: string): FoundSbom | undefined {
  if (!/^[\w:.-]+$/.test(id)) return undefined;
  let records: string[];
  try {
    records = readdirSync(runsDir).filter((n) => n.endsWith('.jsonl')).sort().reverse();
  } catch {
    return undefined;
  }
  for (const name of records) {
    const text = readFileSync(join(runsDir, name), 'utf8');
    if (!text.includes(`"${id}"`)) continue;
    for (const line of text.split('\n')) {
      if (!line.includes('"build_result"') || !line.includes(`"${id}"`)) continue;
      try {
        const e = JSON.parse(line) as { build?: string; data?: { build_result?: { artifacts?: { images?: Record<string, string> }[]; sbom?: { history?: string } } } };
        const r = e.data?.build_result;
        const hit = r?.artifacts?.some((a) => Object.values(a.images ?? {}).includes(id));
        if (hit && r?.sbom?.history && existsSync(r.sbom.history)) return { build: e.build, path: r.sbom.history };
      } catch {
        // A torn last line of a killed run.
      }
    }
  }
  return undefined;
}
