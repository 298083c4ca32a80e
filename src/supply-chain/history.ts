import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SBOM_FILE = 'sbom.cdx.json';
/** The SBOM again as SPDX 2.3 JSON, with -spdx. */
export const SPDX_FILE = 'sbom.spdx.json';
export const PROVENANCE_FILE = 'provenance.intoto.jsonl';
/** The signed provenance again, as a Sigstore bundle (ed25519 and P-256 keys). */
export const PROVENANCE_BUNDLE_FILE = 'provenance.sigstore.json';

/** A build name as a folder name: anything but letters, digits, "." "_" "-" becomes "_". */
export function buildFolder(buildName: string): string {
  return buildName.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_') || '_';
}

/** The run's output folder of one build: <runs>/<run-id>/<build>/. */
export function runBuildDir(runsDir: string, runId: string, buildName: string): string {
  return join(runsDir, runId, buildFolder(buildName));
}

/**
 * The SBOM of the newest earlier run that built `buildName`: with `against` "last", the newest run
 * before `runId`; otherwise the run of that id. Run ids sort by start time, so no record is parsed.
 */
export function previousSbom(runsDir: string, buildName: string, runId: string, against = 'last'): { runId: string; path: string } | undefined {
  if (against !== 'last') {
    const path = join(runBuildDir(runsDir, against, buildName), SBOM_FILE);
    return existsSync(path) ? { runId: against, path } : undefined;
  }
  let runs: string[];
  try {
    runs = readdirSync(runsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name < runId)
      .map((e) => e.name)
      .sort()
      .reverse();
  } catch {
    return undefined;
  }
  for (const run of runs) {
    const path = join(runBuildDir(runsDir, run, buildName), SBOM_FILE);
    if (existsSync(path)) return { runId: run, path };
  }
  return undefined;
}
