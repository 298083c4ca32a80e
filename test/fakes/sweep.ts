import { FAULT_KINDS, FaultInjector, type FaultKind } from './faults.js';

/** How one run under one fault ended. */
export interface RunResult {
  /** undefined: success; otherwise the error message the user saw. */
  error?: string;
  /** Resources bake created and neither removed nor handed over as the artifact, named by kind and id. */
  leaks: string[];
  /** Journal entries still open after the run. */
  open: string[];
}

export interface Scenario {
  name: string;
  /** One whole run against a fresh fake that uses `injector`. */
  run(injector: FaultInjector): Promise<RunResult>;
  /** The commands the `outage` kind hits (it lasts, so it ends in a failure: whatever was made must go). */
  outageCommands?: readonly string[];
  /** Which (call, kind) cells to run, when a run is too slow for all of them; default every one. */
  sample?: (call: number, command: string, kind: FaultKind) => boolean;
}

export interface Cell {
  call: number;
  command: string;
  kind: FaultKind;
  /** "ok", "failed" (clear, one-line error), "unclear" (an error that is not one line), "leak", "n/a" (the kind cannot hit this call), "skipped" (not sampled) */
  result: 'ok' | 'failed' | 'unclear' | 'leak' | 'n/a' | 'skipped';
  detail?: string;
}

export interface SweepReport {
  scenario: string;
  calls: string[];
  cells: Cell[];
}

function classify(r: RunResult, injector: FaultInjector): Pick<Cell, 'result' | 'detail'> {
  if (!injector.fired) return { result: 'n/a' };
  if (r.leaks.length || r.open.length) return { result: 'leak', detail: [...r.leaks, ...r.open.map((o) => `journal: ${o}`)].join(', ') };
  if (r.error === undefined) return { result: 'ok' };
  return /\n|^\s*at /m.test(r.error) ? { result: 'unclear', detail: r.error } : { result: 'failed', detail: r.error };
}

/**
 * Runs the scenario once without faults to count its calls, then once per (call, fault kind).
 * The clean run must itself succeed without leaks.
 */
export async function sweep(scenario: Scenario, kinds: readonly FaultKind[] = FAULT_KINDS): Promise<SweepReport> {
  const clean = new FaultInjector();
  const base = await scenario.run(clean);
  if (base.error !== undefined || base.leaks.length || base.open.length) {
    throw new Error(`${scenario.name}: the run without faults did not end cleanly: ${JSON.stringify(base)}`);
  }
  const cells: Cell[] = [];
  for (let call = 1; call <= clean.calls.length; call++) {
    for (const kind of kinds) {
      if (scenario.sample && !scenario.sample(call, clean.calls[call - 1], kind)) {
        cells.push({ call, command: clean.calls[call - 1], kind, result: 'skipped' });
        continue;
      }
      const injector = new FaultInjector(call, kind, scenario.outageCommands);
      const r = await scenario.run(injector);
      cells.push({ call, command: injector.fired?.command ?? clean.calls[call - 1], kind, ...classify(r, injector) });
    }
  }
  return { scenario: scenario.name, calls: clean.calls, cells };
}

const MARK: Record<Cell['result'], string> = { ok: '.', failed: 'F', unclear: '?', leak: 'L', 'n/a': ' ', skipped: '-' };

/** The matrix as text: one row per call, one column per kind, then totals and every leak named. */
export function formatMatrix(report: SweepReport): string {
  const kinds = [...new Set(report.cells.map((c) => c.kind))];
  const width = Math.max(...report.calls.map((c) => c.length), 7);
  const lines = [`fault sweep: ${report.scenario}: ${report.calls.length} calls × ${kinds.length} kinds`, `${'#'.padStart(3)} ${'call'.padEnd(width)}  ${kinds.map((k) => k.padEnd(9)).join(' ')}`];
  for (let i = 0; i < report.calls.length; i++) {
    const row = kinds.map((k) => MARK[report.cells.find((c) => c.call === i + 1 && c.kind === k)?.result ?? 'n/a'].padEnd(9));
    lines.push(`${String(i + 1).padStart(3)} ${report.calls[i].padEnd(width)}  ${row.join(' ')}`);
  }
  const count = (r: Cell['result']) => report.cells.filter((c) => c.result === r).length;
  const runs = report.cells.length - count('n/a') - count('skipped');
  const legend = `(. ok  F clear failure  ? unclear  L leak${count('skipped') ? '  - not sampled' : ''})`;
  lines.push(`runs ${runs}: ${count('ok')} succeeded, ${count('failed')} failed clearly, ${count('unclear')} unclear, ${count('leak')} leaked   ${legend}`);
  for (const c of report.cells.filter((x) => x.result === 'leak' || x.result === 'unclear')) lines.push(`  ${c.result} at call ${c.call} ${c.command} × ${c.kind}: ${c.detail}`);
  return lines.join('\n');
}

export function problems(report: SweepReport): Cell[] {
  return report.cells.filter((c) => c.result === 'leak' || c.result === 'unclear');
}
