import { describeArtifact } from '../core/artifact.js';
import { defaultJournalPath, Journal, resourceText } from '../core/journal.js';
import { runBuilds, type BuildResult } from '../core/orchestrator.js';
import { planBuilds } from '../core/plan-builds.js';
import type { OnError } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { terminalPrompter } from '../core/prompter.js';
import type { EventBus } from '../core/events.js';
import { loadSigningKey } from '../provenance/index.js';
import { emitStage, RunOutputs, runsDir } from '../report/index.js';
import { printDiffs, templateSource } from './supply-chain-flags.js';
import { makeBus } from './output.js';
import { abortOnSignals } from './signals.js';
import { loadTemplates, type Stage } from './templates.js';
import { bakeVersion } from './version.js';
import { parseBoolFlag, parseIntFlag } from './vars.js';

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
  runLog?: string;
  logDir?: string;
  logPerProvisioner?: boolean;
  reportJunit?: string;
  signKey?: string;
  diffAgainst?: string;
  spdx?: boolean;
}

/**
 * `bake build a.json [b.json …]`: each template is a stage, run in the order given, because one's
 * images feed the next (an application template finds the new base image through
 * source_ami_filter); its builds run in parallel. A stage with a failed build stops the later ones.
 */
export async function buildCommand(files: string[], flags: BuildFlags): Promise<number> {
  const onError = (flags.onError ?? 'cleanup') as OnError;
  if (onError !== 'cleanup' && onError !== 'abort' && onError !== 'ask') {
    throw new UsageError(`-on-error=${onError}: expected "cleanup", "abort" or "ask" (Packer's "run-cleanup-provisioner" is not supported)`);
  }
  // Questions and -debug's pauses need someone at a terminal to answer them.
  const prompter = flags.dryRun ? undefined : terminalPrompter();
  if (onError === 'ask' && !prompter && !flags.dryRun) {
    throw new UsageError('-on-error=ask: stdin is not a terminal, so nobody could answer; use -on-error=cleanup, or -on-error=abort to keep a failed build for inspection');
  }
  const parallel = parseIntFlag('parallel-builds', flags.parallelBuilds, 0);
  const color = flags.color === undefined ? undefined : parseBoolFlag('color', flags.color, true);
  const stages = await loadTemplates(files, flags);
  // A bad key stops the run here, before any build creates anything.
  const signingKey = flags.signKey && !flags.dryRun ? loadSigningKey(flags.signKey) : undefined;
  const bus = makeBus({ ...flags, color });
  for (const { plan } of stages) {
    for (const v of plan.sensitiveValues) bus.addSecret(v);
  }
  for (const { plan } of stages) for (const w of plan.warnings) bus.emit({ build: '', level: 'warn', text: w });
  if (stages.every((s) => s.buildNames.length === 0)) {
    // Packer 1.6.6 says "Builds finished but no artifacts were created." and exits 0; bake exits 0 too, saying why.
    const names = stages.flatMap((s) => s.plan.builds.map((b) => b.name)).join(', ');
    bus.emit({ build: '', level: 'warn', text: `no build to run: -only/-except leave out every build of ${stages.map((s) => s.plan.file).join(', ')} (${names}); nothing was done` });
    return 0;
  }

  const journalPath = defaultJournalPath();
  const buildIds = new Set<string>();
  let outputs: RunOutputs | undefined;
  const builds = stages.reduce((n, s) => n + s.buildNames.length, 0);
  const { signal, dispose } = abortOnSignals(bus, {
    remaining: () => heldBy(journalPath, buildIds),
    // A third Ctrl-C stops before the builds return: the record still gets its end, every build counted as failed.
    beforeExit: () => outputs?.finish(builds),
  });
  if (flags.dryRun) {
    try {
      let failed = false;
      for (const { plan, buildNames } of stages) {
        const planned = await planBuilds(plan, buildNames, bus, signal, journalPath, flags.skipUnchanged ?? false);
        failed ||= planned.some((p) => p.error);
      }
      return failed ? 1 : 0;
    } finally {
      dispose();
    }
  }
  outputs = new RunOutputs(bus, {
    templates: stages.map((s) => s.plan.file),
    bakeVersion: bakeVersion(),
    runLog: flags.runLog,
    logDir: flags.logDir,
    logPerProvisioner: flags.logPerProvisioner,
    junit: flags.reportJunit,
    stepSummary: process.env.GITHUB_STEP_SUMMARY || undefined,
    githubAnnotations: process.env.GITHUB_ACTIONS === 'true',
    debug: flags.debug ?? false,
  });
  const results: BuildResult[] = [];
  try {
    let stopped: string | undefined;
    for (const [index, { plan, buildNames }] of stages.entries()) {
      if (!stopped && signal.aborted) stopped = 'not run: the run was aborted';
      emitStage(bus, {
        template: plan.file,
        index,
        builds: plan.builds.filter((b) => buildNames.includes(b.name)).map((b) => ({ name: b.name, type: b.type, ...(stopped ? { not_run: stopped } : {}) })),
      });
      if (stopped) {
        results.push(...notRun(stages[index], stopped));
        continue;
      }
      const stageResults = await runBuilds({
        plan,
        bus,
        buildNames,
        parallel,
        onError,
        force: flags.force ?? false,
        debug: flags.debug ?? false,
        prompter,
        signal,
        journalPath,
        skipUnchanged: flags.skipUnchanged ?? false,
        onBuildId: (id) => buildIds.add(id),
        supplyChain: {
          run: { runId: outputs.id, runsDir: runsDir(), bakeVersion: bakeVersion(), signingKey, diffAgainst: flags.diffAgainst, spdx: flags.spdx ?? false },
          template: templateSource(plan),
        },
      });
      results.push(...stageResults);
      if (stageResults.some((r) => r.error) && index < stages.length - 1) stopped = `not run: a build of ${plan.file} failed`;
    }
  } finally {
    dispose();
  }
  const failed = results.filter((r) => r.error).length;
  if (outputs.recordPath) bus.emit({ build: '', level: 'say', text: `Run ${outputs.id} recorded in ${outputs.recordPath} (\`bake report ${outputs.id}\` draws it)` });
  summarize(bus, results);
  if (flags.diffAgainst) printDiffs(bus, results, flags.diffAgainst);
  outputs.finish(failed);
  if (results.some((r) => r.kept)) exitSoon(bus, failed > 0 ? 1 : 0);
  return failed > 0 ? 1 : 0;
}

/**
 * A build kept for inspection has let go of everything it held in this process, so bake exits
 * by itself. Should anything still hold the event loop (a handle some step forgot), bake exits
 * anyway: the failure is reported and what was kept is meant to outlive it.
 */
function exitSoon(bus: EventBus, code: number): void {
  setTimeout(() => {
    bus.emit({ build: '', level: 'debug', text: `exiting with these still open: ${process.getActiveResourcesInfo().join(', ')}` });
    process.exit(code);
  }, 1000).unref();
}

/** What this run's builds created and have not removed yet, as the journal says; newest first, as cleanup goes. */
function heldBy(journalPath: string, buildIds: Set<string>): string[] {
  return Journal.open(journalPath)
    .filter((r) => buildIds.has(r.buildId))
    .reverse()
    .map(resourceText);
}

function notRun({ plan, buildNames }: Stage, why: string): BuildResult[] {
  return plan.builds
    .filter((b) => buildNames.includes(b.name))
    .map((b) => ({ name: b.name, type: b.type, buildId: '', artifacts: [], error: why, aborted: true, durationMs: 0 }));
}

/** Packer's closing lines: each failed build with its error, then each artifact. */
function summarize(bus: EventBus, results: BuildResult[]): void {
  const failed = results.filter((r) => r.error);
  // A build whose cleanup failed after its image was finished still hands that image over.
  const ok = results.filter((r) => !r.error || r.artifacts.length > 0);
  const say = (text: string, level: 'say' | 'info' | 'error' = 'say', data?: Record<string, unknown>) => bus.emit({ build: '', level, text, data });
  if (failed.length > 0) {
    say("Some builds didn't complete successfully and had errors:", 'error');
    for (const r of failed) say(`--> ${r.name}: ${r.error}`, 'error', { build: r.name, error: r.error, build_id: r.buildId });
  }
  if (ok.length > 0) {
    say(ok.some((r) => r.error) ? 'Builds finished. The artifacts of successful builds, and of builds whose cleanup failed, are:' : 'Builds finished. The artifacts of successful builds are:');
    for (const r of ok) {
      if (r.artifacts.length === 0) say(`--> ${r.name}: no artifact`, 'info', { build: r.name, artifacts: [] });
      for (const a of r.artifacts) {
        say(`--> ${r.name}: ${describeArtifact(a)}`, 'info', { build: r.name, artifact_id: a.id, files: a.files, images: a.images, skipped: r.skipped === true });
      }
    }
  }
}
