import { UsageError } from '../core/errors.js';
import { runsDir } from '../report/index.js';
import { diffPackages, diffTable, isEmptyDiff, readSbom, type PackageDiff } from '../sbom/index.js';
import { findSboms, type FoundSbom } from '../supply-chain/find-sbom.js';

/**
 * `bake diff A B`: packages added, removed and changed between two images. When both sides hold
 * several builds (two runs, two manifests), builds of the same name are compared.
 */
export async function diffCommand(a: string, b: string, flags: { json?: boolean; exitCode?: boolean }): Promise<number> {
  const dir = runsDir();
  const pairs = pair(a, b, findSboms(a, dir), findSboms(b, dir));
  const results = pairs.map(([x, y]) => ({
    build: y.build ?? x.build,
    a: x.path,
    b: y.path,
    diff: diffPackages(readSbom(x.path).packages, readSbom(y.path).packages),
  }));
  if (flags.json) {
    const json = results.map((r) => ({ ...(r.build ? { build: r.build } : {}), a: r.a, b: r.b, ...r.diff }));
    process.stdout.write(`${JSON.stringify(json.length === 1 ? json[0] : json, null, 2)}\n`);
  } else {
    const several = results.length > 1;
    for (const r of results) {
      if (several) process.stdout.write(`== ${r.build}\n`);
      process.stdout.write(diffTable(r.diff));
    }
  }
  const changed = results.some((r: { diff: PackageDiff }) => !isEmptyDiff(r.diff));
  return flags.exitCode && changed ? 1 : 0;
}

function pair(a: string, b: string, as: FoundSbom[], bs: FoundSbom[]): [FoundSbom, FoundSbom][] {
  if (as.length === 1 && bs.length === 1) return [[as[0], bs[0]]];
  const pairs: [FoundSbom, FoundSbom][] = [];
  for (const x of as) {
    const y = bs.find((s) => s.build === x.build);
    if (y) pairs.push([x, y]);
  }
  if (pairs.length === 0) {
    const names = (l: FoundSbom[]) => l.map((s) => s.build ?? '?').join(', ');
    throw new UsageError(`${a} and ${b} have no build in common to compare (${names(as)} / ${names(bs)})`);
  }
  return pairs;
}
