import { randomUUID } from 'node:crypto';
import type { VerifiedHostKey } from '../communicator/host-key-verifier.js';
import type { Communicator } from '../communicator/types.js';
import type { BuildPlan, PlannedBuild } from '../template/plan.js';
import { withActivity } from './activity.js';
import { describeArtifact, type Artifact } from './artifact.js';
import { collectBuildValues, sensitiveBuildValues } from './build-values.js';
import type { BuildContext, OnError } from './context.js';
import { AbortedError, CleanupFailedError, errorText, isAbort, reasonText } from './errors.js';
import type { EventBus } from './events.js';
import { Journal } from './journal.js';
import { decisionFor } from './on-error.js';
import type { Prompter } from './prompter.js';
import { runPostProcessors } from './post-process.js';
import { runProvisioners } from './provision.js';
import { BuildSupplyChain, type SupplyChainRecord } from '../supply-chain/build-supply-chain.js';
import type { SupplyChainRun, TemplateSource } from '../supply-chain/run-options.js';
import { span } from './spans.js';

export interface RunOptions {
  plan: BuildPlan;
  bus: EventBus;
  /** Names of the builds to run (after -only/-except); default all. */
  buildNames?: string[];
  /** At most this many builds at once; 0 = no limit. */
  parallel?: number;
  onError?: OnError;
  force?: boolean;
  debug?: boolean;
  /** The terminal, for -on-error=ask and -debug's pauses. */
  prompter?: Prompter;
  /** Fired by Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  journalPath: string;
  /** `--skip-unchanged`: reuse an image built earlier from the same inputs, where the builder can. */
  skipUnchanged?: boolean;
  /** Told each build's id as it starts, so the CLI can say what a run still holds in the journal. */
  onBuildId?: (buildId: string) => void;
  /** SBOM, provenance and package diff of each build; none when undefined (dry runs, tests). */
  supplyChain?: { run: SupplyChainRun; template: TemplateSource };
}

export interface BuildResult {
  name: string;
  type: string;
  buildId: string;
  artifacts: Artifact[];
  error?: string;
  aborted?: boolean;
  /** The builder reused an image made earlier from the same inputs (`--skip-unchanged`). */
  skipped?: boolean;
  /** Why it was skipped, for reports. */
  skipReason?: string;
  /** It failed and its resources were kept for inspection (-on-error=abort, or "abort" at ask). */
  kept?: boolean;
  /** The machine's SSH host key as the build accepted it. */
  sshHostKey?: VerifiedHostKey;
  durationMs: number;
  /** The build's SBOM, provenance and package diff against its previous build. */
  supplyChain?: SupplyChainRecord;
}

/** Runs the plan's builds, up to `parallel` at once, and returns one result per build. */
export async function runBuilds(options: RunOptions): Promise<BuildResult[]> {
  const { plan, bus } = options;
  for (const v of plan.sensitiveValues) bus.addSecret(v);
  const names = options.buildNames ?? plan.builds.map((b) => b.name);
  const builds = plan.builds.filter((b) => names.includes(b.name));
  const runId = randomUUID().slice(0, 8);
  // -on-error=abort stops every build when one fails; Ctrl-C does the same through options.signal.
  const runController = new AbortController();
  const onOuterAbort = () => runController.abort(options.signal.reason);
  if (options.signal.aborted) onOuterAbort();
  options.signal.addEventListener('abort', onOuterAbort, { once: true });

  const limit = options.parallel && options.parallel > 0 ? options.parallel : builds.length;
  const results: BuildResult[] = new Array(builds.length);
  let next = 0;
  const worker = async () => {
    while (next < builds.length) {
      const index = next++;
      const build = builds[index];
      const activity = { log: options.bus.logger(build.name), apiCalls: new Map<string, number>() };
      const buildId = `bake-${runId}-${index}`;
      options.onBuildId?.(buildId);
      results[index] = await withActivity(activity, () => runOne(build, buildId, runController, options));
      recordResult(options.bus, results[index], activity.apiCalls);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, builds.length) }, worker));
  } finally {
    options.signal.removeEventListener('abort', onOuterAbort);
  }
  return results;
}

async function runOne(build: PlannedBuild, buildId: string, runController: AbortController, options: RunOptions): Promise<BuildResult> {
  const started = Date.now();
  const log = options.bus.logger(build.name);
  const result: BuildResult = { name: build.name, type: build.type, buildId, artifacts: [], durationMs: 0 };
  if (runController.signal.aborted) {
    result.error = 'not started: the run was aborted';
    result.aborted = true;
    return result;
  }
  const sc = options.supplyChain;
  const supply = sc
    ? new BuildSupplyChain(sc.run, sc.template, { name: build.name, type: build.type, path: build.path, file: options.plan.file, buildId, sbom: build.sbom ?? true }, log, (v) =>
        options.bus.redactValue(v),
      )
    : undefined;
  const values: { current?: Record<string, string> } = {};
  const ctx = buildContext(build, buildId, runController.signal, options, supply, (key) => {
    result.sshHostKey = key;
  }, values);
  const { journal, templateDir, onError } = ctx;
  try {
    log.say(`Starting ${build.type} build...`);
    if (options.skipUnchanged && !build.builder.skipsUnchanged) {
      log.warn(`--skip-unchanged: the ${build.type} builder cannot reuse an earlier image (amazon-ebs and openstack can); building as usual`);
    }
    // A cleanup that failed after every step succeeded fails the build, but its finished image is
    // still post-processed and reported (Packer only logs such failures and reports the artifact).
    let cleanupError: CleanupFailedError | undefined;
    const artifact = await build.builder.run(ctx).catch((err: unknown) => {
      if (!(err instanceof CleanupFailedError) || err.result === undefined) throw err;
      cleanupError = err;
      return err.result as Artifact;
    });
    // Recorded on the artifact for the manifest and later post-processors (provenance).
    if (artifact && result.sshHostKey) artifact.metadata.ssh_host_key = result.sshHostKey;
    result.skipped = artifact?.metadata.skipped === true;
    if (result.skipped) result.skipReason = skipReason(artifact!);
    if (artifact && supply && !result.skipped) {
      result.supplyChain = await span(log, 'step', 'sbom and provenance', () => supply.finish(artifact, runController.signal));
    }
    result.artifacts = await runPostProcessors(build.postProcessorChains, artifact, {
      buildName: build.name,
      buildType: build.type,
      buildId,
      log,
      signal: runController.signal,
      force: ctx.force,
      templateDir,
      journal,
      redact: (v) => options.bus.redactValue(v),
      cleanupSignal: ctx.cleanupSignal,
      ...(cleanupError ? { buildFailure: errorText(cleanupError) } : {}),
      ...(result.sshHostKey ? { sshHostKey: result.sshHostKey } : {}),
      buildValues: values.current ?? (await collectBuildValues(undefined)),
      supplyChain: result.supplyChain && { files: result.supplyChain.files, sbomSha256: result.supplyChain.sbom?.sha256, packagesSha256: result.supplyChain.sbom?.packages_sha256 },
    });
    if (cleanupError) throw cleanupError;
  } catch (err) {
    result.aborted = isAbort(err) || runController.signal.aborted;
    result.kept = decisionFor(err) === 'abort';
    result.error = options.bus.redact(result.aborted ? `aborted: ${reasonText(runController.signal.reason ?? err)}` : errorText(err));
    log.error(`Build '${build.name}' ${result.aborted ? 'was aborted' : `errored: ${result.error}`}`);
    if (options.debug && err instanceof Error && err.stack) log.debug(err.stack);
    if (onError === 'abort' && !runController.signal.aborted) {
      runController.abort(new AbortedError(`build '${build.name}' failed and -on-error=abort was given`));
    }
  }
  result.durationMs = Date.now() - started;
  if (!result.error) log.say(`Build '${build.name}' finished after ${formatSeconds(result.durationMs)}.`);
  return result;
}

/** The context one build's builder runs with. */
export function buildContext(
  build: PlannedBuild,
  buildId: string,
  signal: AbortSignal,
  options: Pick<RunOptions, 'plan' | 'bus' | 'onError' | 'force' | 'debug' | 'prompter' | 'journalPath' | 'skipUnchanged'>,
  supply?: BuildSupplyChain,
  /** Told the host key of the machine the provisioners ran on. */
  onHostKey?: (key: VerifiedHostKey) => void,
  /** Given the build values when the provisioners start, for the post-processors. */
  values: { current?: Record<string, string> } = {},
): BuildContext {
  const log = options.bus.logger(build.name);
  const templateDir = options.plan.templateDir;
  return {
    buildName: build.name,
    buildType: build.type,
    buildId,
    log,
    signal,
    force: options.force ?? false,
    debug: options.debug ?? false,
    onError: options.onError ?? 'cleanup',
    ...(options.prompter ? { prompter: options.prompter } : {}),
    journal: new Journal(options.journalPath, buildId, build.name),
    templateDir,
    provision: async (comm: Communicator, vars?: Record<string, string>) => {
      const key = comm.hostKey?.();
      if (key) onHostKey?.(key);
      const buildValues = await collectBuildValues(comm, vars);
      for (const v of sensitiveBuildValues(buildValues)) options.bus.addSecret(v);
      values.current = buildValues;
      await runProvisioners(
        build.provisioners,
        comm,
        { buildName: build.name, buildType: build.type, log, signal, templateDir, onError: options.onError, debug: options.debug, prompter: options.prompter, buildValues, errorCleanup: build.errorCleanupProvisioner },
        vars,
      );
      // After the last provisioner, before the builder snapshots: the one place that lists what is installed.
      await supply?.afterProvision(comm, signal);
    },
    imageTags: () => supply?.imageTags() ?? {},
    cleanupSignal: (timeoutMs = 10 * 60_000) => AbortSignal.timeout(timeoutMs),
    skipUnchanged:
      options.skipUnchanged && build.fingerprint
        ? { template: build.fingerprint.template, provisioners: build.fingerprint.provisioners, baseDir: process.cwd() }
        : undefined,
  };
}

/** `data.build_result` of a build's closing event: what the run record, reports and CI summaries read. */
export interface BuildResultData {
  type: string;
  build_id: string;
  status: 'ok' | 'failed' | 'aborted' | 'skipped';
  error?: string;
  skip_reason?: string;
  ms: number;
  artifacts: { id: string; description: string; images: Record<string, string>; files: string[] }[];
  api_calls: Record<string, number>;
  /** The machine's SSH host key: fingerprint and how it was verified. */
  ssh_host_key?: VerifiedHostKey;
  sbom?: SupplyChainRecord['sbom'];
  provenance?: SupplyChainRecord['provenance'];
  /** Packages added, removed and changed since the previous build of the same name. */
  sbom_diff?: SupplyChainRecord['diff'];
}

function recordResult(bus: EventBus, r: BuildResult, apiCalls: Map<string, number>): void {
  const data: BuildResultData = {
    type: r.type,
    build_id: r.buildId,
    status: r.aborted ? 'aborted' : r.error ? 'failed' : r.skipped ? 'skipped' : 'ok',
    ...(r.error ? { error: r.error } : {}),
    ...(r.skipReason ? { skip_reason: r.skipReason } : {}),
    ms: r.durationMs,
    artifacts: r.artifacts.map((a) => ({ id: a.id, description: describeArtifact(a), images: a.images, files: a.files })),
    api_calls: Object.fromEntries([...apiCalls].sort(([a], [b]) => a.localeCompare(b))),
    ...(r.sshHostKey ? { ssh_host_key: r.sshHostKey } : {}),
    ...(r.supplyChain?.sbom ? { sbom: r.supplyChain.sbom } : {}),
    ...(r.supplyChain?.provenance ? { provenance: r.supplyChain.provenance } : {}),
    ...(r.supplyChain?.diff ? { sbom_diff: r.supplyChain.diff } : {}),
  };
  bus.emit({ build: r.name, level: 'debug', text: `build ${data.status} after ${formatSeconds(r.durationMs)}`, data: { build_result: data } });
}

function skipReason(artifact: Artifact): string {
  const images = Object.entries(artifact.images ?? {}).map(([region, id]) => `${region}: ${id}`).join(', ');
  return `unchanged (--skip-unchanged): fingerprint ${String(artifact.metadata.fingerprint ?? '?')} already built as ${images || artifact.id}`;
}

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  return `${m} minute${m === 1 ? '' : 's'} ${Math.round(s - m * 60)} seconds`;
}
