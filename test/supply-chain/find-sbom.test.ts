import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSboms } from '../../src/supply-chain/find-sbom.js';
import { previousSbom } from '../../src/supply-chain/history.js';

/**
 * How `bake diff` and -diff-against find SBOMs in a runs folder laid out as `bake build` leaves it:
 * <runs>/<run-id>.jsonl (the record) and <runs>/<run-id>/<build>/sbom.cdx.json (the kept copies).
 */
const runs = mkdtempSync(join(tmpdir(), 'bake-find-sbom-'));
const dirs = [runs];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const MONDAY = '20261207T031500Z-ab12';
const TUESDAY = '20261208T031500Z-cd34';
const WEDNESDAY = '20261209T031500Z-ef56';

function keep(run: string, build: string): string {
  mkdirSync(join(runs, run, build), { recursive: true });
  const path = join(runs, run, build, 'sbom.cdx.json');
  writeFileSync(path, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }));
  return path;
}

function record(run: string, results: { build: string; images: Record<string, string>; sbom?: string }[], tornTail = false): string {
  const lines = [JSON.stringify({ level: 'debug', build: '', text: 'run start', data: { run_start: {} } })];
  for (const r of results) {
    lines.push(JSON.stringify({ level: 'debug', build: r.build, text: 'build ok', data: { build_result: { status: 'ok', artifacts: [{ id: 'x', images: r.images, files: [] }], ...(r.sbom ? { sbom: { history: r.sbom } } : {}) } } }));
  }
  const path = join(runs, `${run}.jsonl`);
  writeFileSync(path, lines.join('\n') + (tornTail ? '\n{"level":"debug","build":"web","data":{"build_result":{"artifacts":[{"images":{"us-east-1":"ami-0torn' : '\n'));
  return path;
}

const mondayWeb = keep(MONDAY, 'web');
const mondayDb = keep(MONDAY, 'db');
const tuesdayWeb = keep(TUESDAY, 'web');
record(MONDAY, [
  { build: 'web', images: { 'us-east-1': 'ami-0monday', 'eu-west-1': 'ami-0mondaycopy' }, sbom: mondayWeb },
  { build: 'db', images: { RegionOne: '0c8c-glance-monday' }, sbom: mondayDb },
]);
const tuesdayRecord = record(TUESDAY, [{ build: 'web', images: { 'us-east-1': 'ami-0tuesday' }, sbom: tuesdayWeb }], true);

describe('finding SBOMs for bake diff', () => {
  it('a run id or its record: each build\'s kept SBOM', () => {
    expect(findSboms(MONDAY, runs)).toEqual([
      { build: 'db', path: mondayDb },
      { build: 'web', path: mondayWeb },
    ]);
    expect(findSboms(tuesdayRecord, runs)).toEqual([{ build: 'web', path: tuesdayWeb }]);
  });

  it('an AMI id, a copy\'s id or a Glance id that a run record lists; a torn last line is passed over', () => {
    expect(findSboms('ami-0mondaycopy', runs)).toEqual([{ build: 'web', path: mondayWeb }]);
    expect(findSboms('0c8c-glance-monday', runs)).toEqual([{ build: 'db', path: mondayDb }]);
    expect(findSboms('ami-0tuesday', runs)).toEqual([{ build: 'web', path: tuesdayWeb }]);
    expect(() => findSboms('ami-0torn', runs)).toThrow(`ami-0torn: not an SBOM, manifest, run record, image file, run id in ${runs}, or image id a run record lists`);
  });

  it('a manifest: the newest entry of each build, its SBOM path relative to the manifest\'s folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-find-sbom-out-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'web'));
    writeFileSync(join(dir, 'web', 'sbom.cdx.json'), '{"bomFormat":"CycloneDX"}');
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ builds: [{ name: 'web', files: [{ name: mondayWeb }] }, { name: 'web', files: [{ name: 'web/sbom.cdx.json' }] }] }));
    expect(findSboms(manifest, runs)).toEqual([{ build: 'web', path: join(dir, 'web', 'sbom.cdx.json') }]);
    writeFileSync(manifest, JSON.stringify({ builds: [{ name: 'web', files: [{ name: 'web.qcow2' }] }] }));
    expect(() => findSboms(manifest, runs)).toThrow(`${manifest}: the manifest lists no sbom.cdx.json that exists`);
  });
});

describe('the previous build of the same name (-diff-against)', () => {
  it('"last": the newest earlier run that kept an SBOM of that build; a run id: that run\'s', () => {
    expect(previousSbom(runs, 'web', WEDNESDAY)).toEqual({ runId: TUESDAY, path: tuesdayWeb });
    expect(previousSbom(runs, 'db', WEDNESDAY)).toEqual({ runId: MONDAY, path: mondayDb });
    expect(previousSbom(runs, 'web', TUESDAY)).toEqual({ runId: MONDAY, path: mondayWeb });
    expect(previousSbom(runs, 'web', MONDAY)).toBeUndefined();
    expect(previousSbom(runs, 'web', WEDNESDAY, MONDAY)).toEqual({ runId: MONDAY, path: mondayWeb });
    expect(previousSbom(runs, 'cache', WEDNESDAY, MONDAY)).toBeUndefined();
    expect(previousSbom(join(runs, 'none'), 'web', WEDNESDAY)).toBeUndefined();
  });
});
