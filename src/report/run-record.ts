import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { BakeEvent } from '../core/events.js';
import { defaultCacheDir } from '../core/journal.js';
import { eventRecord, type EventRecord } from '../core/render-machine.js';

/** Where run records go: BAKE_RUNS_DIR, else `runs/` in bake's cache directory (BAKE_CACHE_DIR, ~/.cache/bake). */
export function runsDir(): string {
  return process.env.BAKE_RUNS_DIR || join(defaultCacheDir(), 'runs');
}

/** A run id that sorts by start time: "20261204T224300Z-3f9a". */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
}

/**
 * The run's event stream as JSON lines, every level (debug included: the span events the report
 * draws are debug events). Written synchronously, event by event, so a run that is killed still
 * leaves its record up to the moment it died. Events reach it through the bus, already redacted.
 */
export class RunRecord {
  readonly events: EventRecord[] = [];
  private fd: number | undefined;

  /** Throws (an fs error) when the file cannot be opened. */
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a', 0o600);
  }

  readonly listener = (e: BakeEvent): void => {
    const record = eventRecord(e);
    this.events.push(record);
    if (this.fd !== undefined) writeSync(this.fd, JSON.stringify(record) + '\n');
  };

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface PruneOptions {
  /** Keep at most this many records (newest first). */
  keep: number;
  /** Remove records older than this. */
  maxAgeMs: number;
  /** Never remove this one (the record being written). */
  except?: string;
}

export const DEFAULT_PRUNE: PruneOptions = { keep: 100, maxAgeMs: 30 * 24 * 3_600_000 };

/** Removes old run records from `dir` (and their run folders): beyond the newest `keep`, or older than `maxAgeMs`. Returns the removed paths. */
export function pruneRuns(dir: string, options: PruneOptions, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const records = names
    .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
  const removed: string[] = [];
  records.forEach((r, i) => {
    if (r.path === options.except) return;
    if (i >= options.keep || now - r.mtime > options.maxAgeMs) {
      unlinkSync(r.path);
      // The run's folder (each build's SBOM and provenance) goes with its record.
      rmSync(r.path.replace(/\.jsonl$/, ''), { recursive: true, force: true });
      removed.push(r.path);
    }
  });
  return removed;
}

/**
 * The newest record in `dir`, for `bake report` without an argument: of the runs started in `cwd`
 * when there is one (several checkouts and CI jobs share a user's runs directory), else of all.
 */
export function latestRun(dir: string, cwd?: string): { path: string; here: boolean } | undefined {
  let records: { path: string; mtime: number }[];
  try {
    records = readdirSync(dir)
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
  } catch {
    return undefined;
  }
  if (records.length === 0) return undefined;
  const here = cwd === undefined ? undefined : records.find((r) => startedIn(r.path) === cwd);
  return here ? { path: here.path, here: true } : { path: records[0].path, here: cwd === undefined };
}

/** The working directory in a record's first line (run_start), read without reading the whole record. */
function startedIn(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
    const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as { data?: { run_start?: { cwd?: unknown } } };
    const cwd = first.data?.run_start?.cwd;
    return typeof cwd === 'string' ? cwd : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
