import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coveredMs, type SpanModel } from '../../src/report/model.js';
import { newRunId, pruneRuns } from '../../src/report/run-record.js';
import { runBake } from '../helpers/run-bake.js';

const span = (start: number, end: number): SpanModel => ({ kind: 'wait', name: 'x', start, end, ok: true });

describe('run records', () => {
  it('keep at most the newest N and none older than the age limit, and never the one being written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-runs-prune-'));
    const now = Date.now();
    const names = ['a', 'b', 'c', 'd', 'e'].map((n, i) => {
      const path = join(dir, `${n}.jsonl`);
      writeFileSync(path, '{}\n');
      const t = new Date(now - (5 - i) * 60_000); // a oldest … e newest
      utimesSync(path, t, t);
      return path;
    });
    writeFileSync(join(dir, 'notes.txt'), 'not a record');
    const removed = pruneRuns(dir, { keep: 3, maxAgeMs: 3.5 * 60_000, except: names[0] }, now);
    expect(removed.sort()).toEqual([names[1]]);
    expect(readdirSync(dir).sort()).toEqual(['a.jsonl', 'c.jsonl', 'd.jsonl', 'e.jsonl', 'notes.txt']);
    expect(pruneRuns(dir, { keep: 2, maxAgeMs: 3_600_000 }, now).sort()).toEqual([names[0], names[2]]);
    expect(pruneRuns(join(dir, 'missing'), { keep: 1, maxAgeMs: 1 })).toEqual([]);
  });

  it('have ids that sort by start time', () => {
    const a = newRunId(new Date('2026-12-04T09:05:01.123Z'));
    expect(a).toMatch(/^20261204T090501Z-[0-9a-f]{4}$/);
    expect(newRunId(new Date('2026-12-04T10:00:00Z')) > a).toBe(true);
  });

  it('count overlapping waits once (parallel region copies)', () => {
    expect(coveredMs([span(0, 10), span(5, 20), span(30, 40), span(32, 35)])).toBe(30);
    expect(coveredMs([])).toBe(0);
  });
});

describe('bake report errors', () => {
  it('says in one line what is missing or wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-report-errors-'));
    const none = await runBake(['report'], { env: { BAKE_RUNS_DIR: join(dir, 'runs') } });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`Error: no run recorded in ${join(dir, 'runs')} yet; give a run id or a record file\n`);
    const unknown = await runBake(['report', '20990101T000000Z-0000'], { env: { BAKE_RUNS_DIR: dir } });
    expect(unknown.stderr).toBe(`Error: 20990101T000000Z-0000: neither a run record file nor a run id in ${dir}\n`);
    const notRecord = join(dir, 'other.jsonl');
    writeFileSync(notRecord, '{"time":"2026-01-01T00:00:00Z","build":"","level":"info","text":"hi"}\n');
    const wrong = await runBake(['report', notRecord]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`Error: ${notRecord}: not a bake run record (no run_start event)\n`);
    writeFileSync(notRecord, 'garbage\n{"time":"2026-01-01T00:00:00Z","build":"","level":"info","text":"hi"}\n');
    const torn = await runBake(['report', notRecord]);
    expect(torn.stderr).toBe(`Error: ${notRecord}:1: not a JSON line of a run record\n`);
  });
});
