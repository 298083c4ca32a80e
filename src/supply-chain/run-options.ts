import type { SigningKey } from '../provenance/index.js';

export type { SbomMode } from '../template/plan.js';

/** What every build of one run shares for its SBOM and provenance. */
export interface SupplyChainRun {
  /** The run id of the run record (`bake report` knows the run by it). */
  runId: string;
  /** Where the run keeps each build's SBOM and provenance: <runs>/<run-id>/<build>/. */
  runsDir: string;
  bakeVersion: string;
  signingKey?: SigningKey;
  /** Compare each image with the previous build of the same name in this run record ("last") or run id. */
  diffAgainst?: string;
  /** Also write each SBOM as SPDX 2.3 JSON (-spdx). */
  spdx?: boolean;
}

/** The template a build came from, as its provenance records it. */
export interface TemplateSource {
  path: string;
  sha256: string;
  /** Non-sensitive variables with their values. */
  variables: Record<string, string>;
  sensitiveVariables: string[];
}
