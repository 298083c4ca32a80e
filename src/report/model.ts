import type { BuildResultData } from '../core/orchestrator.js';
import type { EventRecord } from '../core/render-machine.js';
import type { SpanData, SpanKind } from '../core/spans.js';
import type { RunStartData, StageData } from './run-events.js';

/** One bar of a build's lane. */
export interface SpanModel {
  kind: SpanKind;
  name: string;
  start: number;
  end: number;
  ok: boolean;
  /** Still running when the record ends (the run was killed). */
  open?: boolean;
  error?: string;
  polls?: number;
}

export type BuildStatus = BuildResultData['status'] | 'not-run' | 'unfinished';

export interface BuildModel {
  /** Template and build name; builds of different templates may share a name. */
  key: string;
  template: string;
  name: string;
  type: string;
  status: BuildStatus;
  error?: string;
  /** Why it was skipped or not run. */
  reason?: string;
  start: number;
  end: number;
  spans: SpanModel[];
  /** Where the first failure happened: the innermost span that failed first. */
  failedAt?: SpanModel;
  artifacts: BuildResultData['artifacts'];
  apiCalls: Record<string, number>;
  /** The build's last lines of output and errors, for JUnit and the report. */
  tail: string[];
  /** Its SBOM, and the packages changed since the previous build of the same name. */
  sbom?: BuildResultData['sbom'];
  sbomDiff?: BuildResultData['sbom_diff'];
}

export interface RunModel {
  id: string;
  start: number;
  end: number;
  templates: string[];
  builds: BuildModel[];
  totals: { wallMs: number; waitMs: number; provisionMs: number; apiCalls: number; builds: Record<BuildStatus, number> };
}

const TAIL = 40;

/** Reads a run's recorded events (a run record's lines, or the events of the run in progress) into builds, bars and totals. */
export function runModel(events: EventRecord[]): RunModel {
  const t = (e: EventRecord) => Date.parse(e.time);
  const first = events[0] ? t(events[0]) : 0;
  const run: RunModel = { id: '', start: first, end: first, templates: [], builds: [], totals: emptyTotals() };
  const byName = new Map<string, BuildModel>();
  const open = new Map<string, Map<number, SpanModel>>();
  let template = '';
  for (const e of events) {
    const time = t(e);
    run.end = Math.max(run.end, time);
    const data = e.data ?? {};
    if (data.run_start) {
      const start = data.run_start as RunStartData;
      run.id = start.id;
      run.templates = start.templates;
      run.start = time;
    }
    if (data.stage) {
      const stage = data.stage as StageData;
      template = stage.template;
      for (const b of stage.builds) {
        const build = newBuild(template, b.name, b.type, time);
        if (b.not_run) {
          build.status = 'not-run';
          build.reason = b.not_run;
        }
        byName.set(b.name, build);
        run.builds.push(build);
      }
    }
    if (!e.build) continue;
    let build = byName.get(e.build);
    if (!build) {
      // A record from before stages were recorded, or a build the stage list did not name.
      build = newBuild(template, e.build, '', time);
      byName.set(e.build, build);
      run.builds.push(build);
    }
    if (build.status === 'unfinished' && build.spans.length === 0 && build.tail.length === 0) build.start = time;
    build.end = Math.max(build.end, time);
    const span = data.span as SpanData | undefined;
    if (span) {
      const spans = open.get(build.key) ?? new Map<number, SpanModel>();
      open.set(build.key, spans);
      if (span.phase === 'start') {
        const s: SpanModel = { kind: span.kind, name: span.name, start: time, end: time, ok: true, open: true };
        spans.set(span.id, s);
        build.spans.push(s);
      } else {
        const s = spans.get(span.id) ?? { kind: span.kind, name: span.name, start: time - (span.ms ?? 0), end: time, ok: true };
        if (!spans.has(span.id)) build.spans.push(s);
        spans.delete(span.id);
        Object.assign(s, { end: time, ok: span.ok !== false, open: undefined });
        if (span.error && !span.aborted) s.error = span.error;
        if (span.polls !== undefined) s.polls = span.polls;
        if (!s.ok && s.error && !build.failedAt) build.failedAt = s;
      }
    }
    if (e.level === 'output' || e.level === 'error' || e.level === 'warn') {
      build.tail.push(e.level === 'output' ? e.text : `${e.level}: ${e.text}`);
      if (build.tail.length > TAIL) build.tail.shift();
    }
    const result = data.build_result as BuildResultData | undefined;
    if (result) {
      build.type = result.type;
      build.status = result.status;
      build.error = result.error;
      build.reason = result.skip_reason;
      build.artifacts = result.artifacts;
      build.apiCalls = result.api_calls;
      build.sbom = result.sbom;
      build.sbomDiff = result.sbom_diff;
      build.start = Math.min(build.start, time - result.ms);
    }
  }
  for (const [key, spans] of open) {
    const build = run.builds.find((b) => b.key === key)!;
    for (const s of spans.values()) s.end = build.end;
  }
  run.totals = totals(run);
  return run;
}

function newBuild(template: string, name: string, type: string, time: number): BuildModel {
  return { key: `${template}\u0000${name}`, template, name, type, status: 'unfinished', start: time, end: time, spans: [], artifacts: [], apiCalls: {}, tail: [] };
}

function emptyTotals(): RunModel['totals'] {
  return { wallMs: 0, waitMs: 0, provisionMs: 0, apiCalls: 0, builds: { ok: 0, failed: 0, aborted: 0, skipped: 0, 'not-run': 0, unfinished: 0 } };
}

function totals(run: RunModel): RunModel['totals'] {
  const t = emptyTotals();
  t.wallMs = run.end - run.start;
  for (const b of run.builds) {
    t.builds[b.status]++;
    t.waitMs += coveredMs(b.spans.filter((s) => s.kind === 'wait' || s.kind === 'copy'));
    t.provisionMs += coveredMs(b.spans.filter((s) => s.kind === 'provisioner'));
    t.apiCalls += Object.values(b.apiCalls).reduce((a, n) => a + n, 0);
  }
  return t;
}

/** Time covered by at least one of the spans: parallel region copies waiting at once count once. */
export function coveredMs(spans: SpanModel[]): number {
  let total = 0;
  let until = -Infinity;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.end <= until) continue;
    total += s.end - Math.max(s.start, until);
    until = s.end;
  }
  return total;
}

/** Builders that talk to no cloud: a run of only these gets no cloud figures. */
const LOCAL_BUILDERS = ['qemu', 'chroot', 'null'];

/** Whether the run talked to a cloud (a cloud builder, or API calls from a post-processor's rollout). */
export function isCloudRun(run: RunModel): boolean {
  return run.totals.apiCalls > 0 || run.builds.some((b) => !LOCAL_BUILDERS.includes(b.type));
}
