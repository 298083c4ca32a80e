import { AbortedError, errorText, reasonText } from '../../core/errors.js';
import type { Deps } from './graph.js';
import { probe } from './probe.js';
import { StateFailure, type Changes, type CheckResult, type Facts, type Remote, type RunEnv, type StateDecl, type StateFunction, type StateResult } from './types.js';

/** A state ready to run: its declaration, function, validated arguments and prepared inputs. */
export interface PlannedState {
  decl: StateDecl;
  fn: StateFunction;
  args: Record<string, unknown>;
  prepared: unknown;
  deps: Deps;
}

export interface EngineOptions {
  test: boolean;
  failFast: boolean;
  serviceMode: 'full' | 'enable-only';
  signal: AbortSignal;
  /** Called as each state finishes, for live reporting. */
  onResult?: (r: StateResult) => void;
}

export interface RunOutcome {
  results: StateResult[];
  /** Ids of states that fail_fast kept from running. */
  notRun: string[];
  /** How many probe batches (round trips for checks) the run took. */
  probes: number;
  durationMs: number;
}

const changed = (r: StateResult | undefined) => !!r && Object.keys(r.changes).length > 0;
const ids = (keys: string[], results: Map<string, StateResult>) => keys.map((k) => results.get(k)?.id ?? k).join(', ');

/**
 * Runs the states in order. All checks are probed in one batch (one round trip); after a state
 * changes the guest, the states still to come are probed again, since their facts may have moved.
 */
export async function runStates(plan: PlannedState[], remote: Remote, options: EngineOptions): Promise<RunOutcome> {
  const start = Date.now();
  const results = new Map<string, StateResult>();
  const notRun: string[] = [];
  let probes = 0;
  let env: RunEnv | undefined;
  let facts: Facts[] = [];
  let factsFrom = -1;
  let factsTo = -1;
  let window = plan.length;
  let failedOne: string | undefined;

  // Facts are good until something changes the guest. Then the next states are probed in a small
  // window that doubles while nothing changes: a first pass costs O(n) probe work, not O(n²).
  const probeFrom = async (i: number) => {
    const batch = plan.slice(i, i + window);
    const out = await probe(
      remote,
      batch.map((p) => p.fn.probe(p.args, p.prepared)),
      batch.some((p) => p.fn.probeRunsCommands?.(p.args) === true),
    );
    probes++;
    if (env) env.host = out.host;
    else env = { host: out.host, serviceMode: options.serviceMode, indexRefreshed: false };
    facts = out.facts;
    factsFrom = i;
    factsTo = i + batch.length;
  };
  const invalidate = () => {
    factsFrom = -1;
    window = 1;
  };

  for (let i = 0; i < plan.length; i++) {
    if (options.signal.aborted) throw new AbortedError(reasonText(options.signal.reason));
    const p = plan[i];
    // fail_fast stops everything except the onfail handlers of what failed.
    const handlesFailure = p.deps.onfail.some((k) => results.get(k)?.result === false);
    if (failedOne && options.failFast && !handlesFailure) {
      notRun.push(p.decl.id);
      continue;
    }
    const t0 = Date.now();
    const finish = (result: boolean | null, comment: string, changes: Changes = {}, watched: string[] = []) => {
      const r: StateResult = { id: p.decl.id, name: String(p.args.name ?? p.decl.id), fn: p.decl.fn, changes, result, comment, durationMs: Date.now() - t0 };
      if (watched.length) r.watched = watched.map((k) => results.get(k)!.id);
      results.set(p.decl.key, r);
      if (result === false) failedOne ??= p.decl.id;
      options.onResult?.(r);
    };
    const failedReqs = [...p.deps.require, ...p.deps.watch].filter((k) => results.get(k)?.result === false);
    if (failedReqs.length) {
      finish(false, `One or more requisite failed: ${ids(failedReqs, results)}`);
      continue;
    }
    if (p.deps.onchanges.length && !p.deps.onchanges.some((k) => changed(results.get(k)))) {
      finish(true, 'State was not run because none of the onchanges reqs changed');
      continue;
    }
    if (p.deps.onfail.length && !p.deps.onfail.some((k) => results.get(k)?.result === false)) {
      finish(true, 'State was not run because onfail req did not change');
      continue;
    }
    if (factsFrom < 0) await probeFrom(i);
    else if (i >= factsTo) {
      window *= 2;
      await probeFrom(i);
    }
    const f = facts[i - factsFrom];
    const watchFired = p.deps.watch.filter((k) => changed(results.get(k)));
    let check: CheckResult;
    try {
      check = p.fn.check(p.args, f, p.prepared, env!);
    } catch (err) {
      finish(false, errorText(err));
      continue;
    }
    const wants = Object.keys(check.changes).length > 0;
    if (options.test) {
      const watchNote = watchFired.length && p.fn.watch ? ` (and would react to changes in ${ids(watchFired, results)})` : '';
      const reacts = watchFired.length > 0 && !!p.fn.watch;
      finish(wants || reacts ? null : true, check.comment + watchNote, check.changes, reacts ? watchFired : []);
      continue;
    }
    try {
      let out = check;
      if (wants) {
        out = await p.fn.apply(p.args, f, p.prepared, env!, remote, check);
        invalidate();
      }
      if (watchFired.length && p.fn.watch) {
        const w = await p.fn.watch(p.args, f, p.prepared, env!, remote, wants ? out.changes : {});
        out = { changes: { ...out.changes, ...w.changes }, comment: `${out.comment}; ${w.comment} (watching ${ids(watchFired, results)})` };
        invalidate();
      }
      finish(true, out.comment, out.changes, p.fn.watch ? watchFired : []);
    } catch (err) {
      if (!(err instanceof StateFailure)) throw err;
      invalidate();
      finish(false, err.message);
    }
  }
  return { results: [...results.values()], notRun, probes, durationMs: Date.now() - start };
}
