import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EventBus } from '../core/events.js';
import type { BuildResult } from '../core/orchestrator.js';
import type { TemplateSource } from '../supply-chain/run-options.js';
import type { BuildPlan } from '../template/plan.js';

/** The template as a build's provenance names it: path, sha256 of its bytes, variables (sensitive ones by name only). */
export function templateSource(plan: BuildPlan): TemplateSource {
  return {
    path: plan.file,
    sha256: createHash('sha256').update(readFileSync(plan.file)).digest('hex'),
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
