import { randomUUID } from 'node:crypto';
import { errorText } from '../core/errors.js';
import { EventBus } from '../core/events.js';
import { defaultJournalPath } from '../core/journal.js';
import { buildContext } from '../core/orchestrator.js';
import { humanRenderer } from '../core/render-human.js';
import type { PlannedBuild } from '../template/index.js';
import { abortOnSignals } from './signals.js';
import { loadTemplates, type TemplateFlags } from './templates.js';

/** One row of `bake plan -json`: what a CI job needs to run `bake build -only NAME TEMPLATE`. */
export interface PlanRow {
  template: string;
  /** The template's place in the order given: jobs of stage n wait for stage n-1. */
  stage: number;
  name: string;
  type: string;
  regions: string[];
  /** With -skip-unchanged: whether `build -skip-unchanged` would reuse an image instead of building. */
  skip?: boolean;
  why?: string;
  error?: string;
}

/**
 * `bake plan -json TEMPLATE...`: every build as `{"include": [...]}` on one line of stdout, which
 * GitHub Actions reads with `fromJSON` as a job matrix (and a script turns into a GitLab child
 * pipeline). Everything else bake says goes to stderr so stdout stays one JSON document.
 */
export async function planJsonCommand(files: string[], flags: TemplateFlags & { skipUnchanged?: boolean; debug?: boolean }): Promise<number> {
  const stages = await loadTemplates(files, flags);
  const bus = new EventBus();
  bus.on(humanRenderer({ out: process.stderr, color: false, timestamps: false, debug: flags.debug ?? false }));
  for (const { plan } of stages) for (const v of plan.sensitiveValues) bus.addSecret(v);
  const { signal, dispose } = abortOnSignals(bus, { stopping: 'stopping...' });
  const rows: PlanRow[] = [];
  try {
    for (const [stage, { plan, buildNames }] of stages.entries()) {
      for (const build of plan.builds.filter((b) => buildNames.includes(b.name))) {
        const row: PlanRow = { template: plan.file, stage, name: build.name, type: build.type, regions: regionsOf(build) };
        if (flags.skipUnchanged) {
          const ctx = buildContext(build, `bake-plan-${randomUUID().slice(0, 8)}`, signal, { plan, bus, journalPath: defaultJournalPath(), skipUnchanged: true });
          try {
            const verdict = build.builder.unchanged ? await build.builder.unchanged(ctx) : { skip: false, why: `the ${build.type} builder always builds` };
            Object.assign(row, verdict);
          } catch (err) {
            row.error = bus.redact(errorText(err));
          }
        }
        rows.push(row);
      }
    }
  } finally {
    dispose();
  }
  process.stdout.write(JSON.stringify({ include: rows }) + '\n');
  return rows.some((r) => r.error) ? 1 : 0;
}

/** The regions a build makes images in, as its template names them (Packer's region and ami_regions). */
function regionsOf(build: PlannedBuild): string[] {
  const cfg = build.fingerprint?.template.builder ?? {};
  const regions = [cfg.region, ...(Array.isArray(cfg.ami_regions) ? cfg.ami_regions : [])];
  return [...new Set(regions.filter((r): r is string => typeof r === 'string' && r !== ''))];
}
