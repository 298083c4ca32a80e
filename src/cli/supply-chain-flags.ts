import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBus } from '../core/events.js';
import type { BuildResult } from '../core/orchestrator.js';
import type { TemplateSource } from '../supply-chain/run-options.js';
import { readSource, STDIN, templateName } from '../template/index.js';
import type { BuildPlan } from '../template/plan.js';

/**
 * The digest of what the template is: the file, the text read from standard input, or, for an HCL2
 * directory, every template and var file in it (name and content, in name order).
 */
function templateDigest(file: string): string {
  const hash = createHash('sha256');
  if (file === templateName(STDIN)) return hash.update(readSource(STDIN)).digest('hex');
  if (!statSync(file).isDirectory()) return hash.update(readFileSync(file)).digest('hex');
  for (const name of readdirSync(file).filter((n) => /\.(pkr|pkrvars)\.(hcl|json)$/.test(n)).sort()) hash.update(`${name}\0`).update(readFileSync(join(file, name))).update('\0');
  return hash.digest('hex');
}

/** The template as a build's provenance names it: path, sha256 of its bytes, variables (sensitive ones by name only). */
export function templateSource(plan: BuildPlan): TemplateSource {
  return {
    path: plan.file,
    sha256: templateDigest(plan.file),
    variables: Object.fromEntries(plan.variables.filter((v) => !v.sensitive).map((v) => [v.name, v.value])),
    sensitiveVariables: plan.variables.filter((v) => v.sensitive).map((v) => v.name),
  };
}

/** `-diff-against`: after the summary, one line per build with what changed since its previous build. */
export function printDiffs(bus: EventBus, results: BuildResult[], against: string): void {
  const built = results.filter((r) => r.supplyChain?.sbom);
  if (built.length === 0) return;
  bus.emit({ build: '', level: 'say', text: `Package changes (-diff-against ${against}):` });
  for (const r of built) {
    const d = r.supplyChain!.diff;
    const text = d ? `--> ${r.name}: ${d.summary} (against run ${d.against_run})` : `--> ${r.name}: no earlier build to compare with`;
    bus.emit({ build: '', level: 'info', text, data: { build: r.name, sbom_diff: d ? { against_run: d.against_run, added: d.added.length, removed: d.removed.length, changed: d.changed.length } : null } });
  }
}
