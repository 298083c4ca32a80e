import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { currentOwner, type ProcessOwner } from './process-owner.js';

/** A cloud or local resource bake created, as recorded in the journal. */
export interface JournalResource {
  /** Kind, namespaced by cloud: "aws:instance", "aws:key-pair", "openstack:server", "local:file". */
  type: string;
  id: string;
  region?: string;
  /** Extra facts cleanup needs (endpoint, profile, project, ...); never secrets. */
  details?: Record<string, string>;
}

interface Entry extends JournalResource {
  op: 'create' | 'remove';
  buildId: string;
  build: string;
  at: string;
  /** The bake process that created it; absent in journals written before owners were recorded. */
  owner?: ProcessOwner;
}

export interface OpenResource extends JournalResource {
  buildId: string;
  build: string;
  at: string;
  owner?: ProcessOwner;
}

/** "aws:instance i-1 in us-east-1", as messages name a journaled resource. */
export function resourceText(r: JournalResource): string {
  return `${r.type} ${r.id}${r.region ? ` in ${r.region}` : ''}`;
}

export function defaultCacheDir(): string {
  const base = process.env.BAKE_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bake');
  return base;
}

/** BAKE_JOURNAL overrides the journal's place (tests give each run its own). */
export function defaultJournalPath(): string {
  return process.env.BAKE_JOURNAL || join(defaultCacheDir(), 'journal.jsonl');
}

function endsTorn(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Append-only record of created resources. A resource is written *before* the step that created it
 * goes on, and struck out when removed, so a run killed with SIGKILL still leaves a trail that
 * `bake cleanup` follows. Appends are synchronous: a line must be on disk before the process can die.
 */
export class Journal {
  /**
   * `owner` is the process the entries are recorded for: this one, unless a test stands in for a
   * run that died (null: no owner, as in journals written before owners were recorded).
   */
  constructor(
    readonly path: string,
    readonly buildId: string,
    private readonly build: string,
    private readonly owner: ProcessOwner | null = currentOwner(),
  ) {}

  /** The journal for another build, sharing the file and the owner. */
  forBuild(buildId: string, build: string): Journal {
    return new Journal(this.path, buildId, build, this.owner);
  }

  created(resource: JournalResource): void {
    this.append({ ...resource, op: 'create' });
  }

  removed(resource: Pick<JournalResource, 'type' | 'id'> & { region?: string }): void {
    this.append({ ...resource, op: 'remove' });
  }

  private append(e: Omit<Entry, 'buildId' | 'build' | 'at'>): void {
    const entry: Entry = { ...e, buildId: this.buildId, build: this.build, at: new Date().toISOString(), ...(this.owner ? { owner: this.owner } : {}) };
    mkdirSync(dirname(this.path), { recursive: true });
    // A power cut mid-write leaves a last line without its newline: start on a fresh line, or this
    // entry would be glued to the torn one and both lost to the reader.
    appendFileSync(this.path, (endsTorn(this.path) ? '\n' : '') + JSON.stringify(entry) + '\n');
  }

  /** Resources created and not removed, oldest first. */
  static open(path: string): OpenResource[] {
    if (!existsSync(path)) return [];
    const live = new Map<string, OpenResource>();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let e: Entry;
      try {
        e = JSON.parse(line) as Entry;
      } catch {
        continue; // a line torn by a crash mid-write
      }
      const key = `${e.type}\u0000${e.region ?? ''}\u0000${e.id}`;
      if (e.op === 'create') {
        live.set(key, { type: e.type, id: e.id, region: e.region, details: e.details, buildId: e.buildId, build: e.build, at: e.at, ...(e.owner ? { owner: e.owner } : {}) });
      } else {
        live.delete(key);
      }
    }
    return [...live.values()];
  }
}
