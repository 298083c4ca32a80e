import type { Logger } from '../../core/events.js';
import type { RunOutcome } from './engine.js';
import type { StateResult } from './types.js';

function changeLines(changes: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(changes)) {
    if (typeof v === 'string' && v.includes('\n')) {
      out.push(`    ${k}:`);
      for (const l of v.split('\n')) out.push(`        ${l}`);
    } else out.push(`    ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return out;
}

const status = (r: StateResult) => (r.result === false ? 'failed' : r.result === null ? 'would change' : Object.keys(r.changes).length ? 'changed' : 'ok');

/** One state's lines: `ok`, `changed` with its changes (a short diff for files), or `failed` with the error. */
export function reportState(log: Logger, r: StateResult): void {
  const head = `${status(r).padEnd(12)} ${r.id} (${r.fn}${r.name !== r.id ? ` ${r.name}` : ''}) ${r.durationMs}ms`;
  if (r.result === false) {
    log.error(`${head}: ${r.comment}`);
    return;
  }
  log.info(status(r) === 'ok' && !r.watched ? head : `${head}: ${r.comment}`);
  for (const l of changeLines(r.changes)) log.info(l);
}

export interface Summary {
  succeeded: number;
  changed: number;
  failed: number;
  total: number;
}

export function summarize(outcome: RunOutcome): Summary {
  const failed = outcome.results.filter((r) => r.result === false).length;
  return {
    succeeded: outcome.results.length - failed,
    changed: outcome.results.filter((r) => r.result !== false && Object.keys(r.changes).length > 0).length,
    failed,
    total: outcome.results.length,
  };
}

/** Salt's closing block: succeeded (changed), failed, states run, run time. */
export function reportSummary(log: Logger, outcome: RunOutcome, label: string): Summary {
  const s = summarize(outcome);
  log.say(`${label}: succeeded: ${s.succeeded} (changed=${s.changed}), failed: ${s.failed}, total states run: ${s.total}, total run time: ${(outcome.durationMs / 1000).toFixed(3)} s`, {
    succeeded: s.succeeded,
    changed: s.changed,
    failed: s.failed,
    total: s.total,
    durationMs: outcome.durationMs,
    probes: outcome.probes,
  });
  if (outcome.notRun.length) log.warn(`not run (fail_fast after a failure): ${outcome.notRun.join(', ')}`);
  return s;
}
