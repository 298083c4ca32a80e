import { describeArtifact } from '../core/artifact.js';
import { defaultJournalPath } from '../core/journal.js';
import { runBuilds, type BuildResult } from '../core/orchestrator.js';
import { planBuilds } from '../core/plan-builds.js';
import { selectBuilds } from '../core/select.js';
import { UsageError } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import { registry } from '../plugins/registry.js';
import { loadTemplate } from '../template/index.js';
import { makeBus } from './output.js';
import { abortOnSignals } from './signals.js';
import { parseBoolFlag, parseIntFlag, parseVarFlags } from './vars.js';

export interface BuildFlags {
  var?: string[];
  varFile?: string[];
  only?: string[];
  except?: string[];
  force?: boolean;
  onError?: string;
  parallelBuilds?: string;
  timestampUi?: boolean;
  machineReadable?: boolean;
  color?: string | boolean;
  debug?: boolean;
  dryRun?: boolean;
  skipUnchanged?: boolean;
}

export async function buildCommand(file: string, flags: BuildFlags): Promise<number> {
  const onError = flags.onError ?? 'cleanup';
  if (onError !== 'cleanup' && onError !== 'abort') {
    throw new UsageError(`-on-error=${onError}: expected "cleanup" or "abort" (Packer's "ask" and "run-cleanup-provisioner" are not supported)`);
  }
  const parallel = parseIntFlag('parallel-builds', flags.parallelBuilds, 0);
  const color = flags.color === undefined ? undefined : parseBoolFlag('color', flags.color, true);
  const plan = loadTemplate(file, { registry, vars: parseVarFlags(flags.var), varFiles: flags.varFile ?? [], only: flags.only, except: flags.except });
  const buildNames = selectBuilds(plan, flags.only, flags.except);
  const bus = makeBus({ ...flags, color });
  for (const v of plan.sensitiveValues) bus.addSecret(v);
  for (const w of plan.warnings) bus.emit({ build: '', level: 'warn', text: w });

  const { signal, dispose } = abortOnSignals(bus);
  if (flags.dryRun) {
    try {
      const planned = await planBuilds(plan, buildNames, bus, signal, defaultJournalPath(), flags.skipUnchanged ?? false);
      return planned.some((p) => p.error) ? 1 : 0;
    } finally {
      dispose();
    }
  }
  let results: BuildResult[];
  try {
    results = await runBuilds({
      plan,
      bus,
      buildNames,
      parallel,
      onError,
      force: flags.force ?? false,
      debug: flags.debug ?? false,
      signal,
      journalPath: defaultJournalPath(),
      skipUnchanged: flags.skipUnchanged ?? false,
    });
  } finally {
    dispose();
  }
  summarize(bus, results);
  return results.some((r) => r.error) ? 1 : 0;
}

/** Packer's closing lines: each failed build with its error, then each artifact. */
function summarize(bus: EventBus, results: BuildResult[]): void {
  const failed = results.filter((r) => r.error);
  const ok = results.filter((r) => !r.error);
  const say = (text: string, level: 'say' | 'info' | 'error' = 'say', data?: Record<string, unknown>) => bus.emit({ build: '', level, text, data });
  if (failed.length > 0) {
    say("Some builds didn't complete successfully and had errors:", 'error');
    for (const r of failed) say(`--> ${r.name}: ${r.error}`, 'error', { build: r.name, error: r.error, build_id: r.buildId });
  }
  if (ok.length > 0) {
    say('Builds finished. The artifacts of successful builds are:');
    for (const r of ok) {
      if (r.artifacts.length === 0) say(`--> ${r.name}: no artifact`, 'info', { build: r.name, artifacts: [] });
      for (const a of r.artifacts) {
        say(`--> ${r.name}: ${describeArtifact(a)}`, 'info', { build: r.name, artifact_id: a.id, files: a.files, images: a.images, skipped: r.skipped === true });
      }
    }
  }
}
