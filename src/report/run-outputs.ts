import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorText } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import type { EventRecord } from '../core/render-machine.js';
import { githubAnnotations } from './annotations.js';
import { junitXml } from './junit.js';
import { LogDir } from './log-dir.js';
import { runModel, type RunModel } from './model.js';
import { emitRunEnd, emitRunStart } from './run-events.js';
import { DEFAULT_PRUNE, newRunId, pruneRuns, RunRecord, runsDir } from './run-record.js';
import { stepSummary } from './step-summary.js';

export interface RunOutputOptions {
  templates: string[];
  bakeVersion: string;
  /** -run-log FILE: the record goes there instead of the runs directory. */
  runLog?: string;
  /** -log-dir DIR. */
  logDir?: string;
  logPerProvisioner?: boolean;
  /** -report-junit FILE. */
  junit?: string;
  /** $GITHUB_STEP_SUMMARY, when set. */
  stepSummary?: string;
  /** GITHUB_ACTIONS=true: print an ::error annotation per failed build. */
  githubAnnotations?: boolean;
  debug: boolean;
}

/**
 * Everything a run leaves besides its console output: the run record (always), per-build logs,
 * and at the end the JUnit file and the GitHub step summary, all read from the same events.
 */
export class RunOutputs {
  readonly id = newRunId();
  readonly started = Date.now();
  private readonly events: EventRecord[] = [];
  private record?: RunRecord;
  private logs?: LogDir;

  constructor(
    private readonly bus: EventBus,
    private readonly options: RunOutputOptions,
  ) {
    const path = options.runLog ?? join(runsDir(), `${this.id}.jsonl`);
    try {
      this.record = new RunRecord(path);
      bus.on(this.record.listener);
    } catch (err) {
      bus.emit({ build: '', level: 'warn', text: `cannot write the run record ${path}: ${errorText(err)}; the run goes on without it` });
      bus.on((e) => this.events.push({ time: e.time.toISOString(), build: e.build, level: e.level, text: e.text, ...(e.data ? { data: e.data } : {}) }));
    }
    if (options.logDir) {
      this.logs = new LogDir({ dir: options.logDir, perProvisioner: options.logPerProvisioner ?? false, debug: options.debug });
      bus.on(this.logs.listener);
    }
    emitRunStart(bus, { id: this.id, bake_version: options.bakeVersion, templates: options.templates, cwd: process.cwd() });
  }

  get recordPath(): string | undefined {
    return this.record?.path;
  }

  /** Closes the record and writes the CI reports; a report that cannot be written is a warning, not a failed run. */
  finish(failed: number): RunModel {
    emitRunEnd(this.bus, { ms: Date.now() - this.started, failed });
    const model = runModel(this.record?.events ?? this.events);
    if (this.options.junit) this.write(this.options.junit, 'JUnit report', () => writeFileSync(this.options.junit!, junitXml(model)));
    if (this.options.stepSummary) this.write(this.options.stepSummary, 'step summary', () => appendFileSync(this.options.stepSummary!, stepSummary(model)));
    // Straight to stdout: GitHub reads workflow commands from the log, never from a renderer's prefix.
    if (this.options.githubAnnotations) for (const line of githubAnnotations(model)) process.stdout.write(`${line}\n`);
    this.record?.close();
    this.logs?.close();
    if (!this.options.runLog) pruneRuns(runsDir(), { ...DEFAULT_PRUNE, except: this.record?.path });
    return model;
  }

  private write(path: string, what: string, fn: () => void): void {
    try {
      mkdirSync(dirname(path), { recursive: true });
      fn();
    } catch (err) {
      this.bus.emit({ build: '', level: 'warn', text: `cannot write the ${what} ${path}: ${errorText(err)}` });
    }
  }
}
