import { randomUUID } from 'node:crypto';
import type { BuildPlan } from '../template/plan.js';
import { errorText } from './errors.js';
import type { EventBus } from './events.js';
import { buildContext } from './orchestrator.js';
import { keepVerbatim } from './redactor.js';

export interface DryRunResult {
  name: string;
  lines: string[];
  error?: string;
}

/**
 * `bake plan` / `build --dry-run`: asks each builder what it would use and make, creating nothing.
 * Builders without a plan of their own are described from the template alone.
 */
export async function planBuilds(
  plan: BuildPlan,
  buildNames: string[],
  bus: EventBus,
  signal: AbortSignal,
  journalPath: string,
  skipUnchanged = false,
): Promise<DryRunResult[]> {
  const results: DryRunResult[] = [];
  for (const build of plan.builds.filter((b) => buildNames.includes(b.name))) {
    const log = bus.logger(build.name);
    const ctx = buildContext(build, `bake-plan-${randomUUID().slice(0, 8)}`, signal, { plan, bus, journalPath, skipUnchanged });
    const result: DryRunResult = { name: build.name, lines: [] };
    try {
      result.lines = build.builder.plan ? await build.builder.plan(ctx) : [`${build.type} build (this builder creates nothing before it runs; no details to resolve)`];
    } catch (err) {
      result.error = bus.redact(errorText(err));
    }
    // Plugin types are bake's own words, never secrets, though bento's ssh_password "vagrant" is also one.
    const chains = build.postProcessorChains.map((c) => c.map((p) => p.type).join(' -> '));
    for (const line of [`provisioners: ${build.provisioners.map((p) => p.type).join(', ') || 'none'}`, `post-processors: ${chains.join('; ') || 'none'}`]) {
      keepVerbatim(line);
      result.lines.push(line);
    }
    log.say('Plan (nothing is created):');
    for (const line of result.lines) log.info(line);
    if (result.error) log.error(result.error);
    results.push(result);
  }
  return results;
}
