import type { SbomPackage } from './read-sbom.js';

export interface PackageChange {
  name: string;
  architecture?: string;
  from: string;
  to: string;
}

export interface PackageDiff {
  added: SbomPackage[];
  removed: SbomPackage[];
  changed: PackageChange[];
  /** Package count of each side. */
  counts: { a: number; b: number };
}

/**
 * What changed from A to B, by package name and architecture: added, removed, and changed
 * (version differs). Each list sorted by name. A package listed twice on one side (a multi-version
 * install, rpm's kernels) is compared by its set of versions.
 */
export function diffPackages(a: SbomPackage[], b: SbomPackage[]): PackageDiff {
  const group = (list: SbomPackage[]) => {
    const m = new Map<string, SbomPackage[]>();
    for (const p of list) {
      const key = `${p.type ?? ''}/${p.name}/${p.architecture ?? ''}`;
      m.set(key, [...(m.get(key) ?? []), p]);
    }
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  const diff: PackageDiff = { added: [], removed: [], changed: [], counts: { a: a.length, b: b.length } };
  for (const [key, before] of ga) {
    const after = gb.get(key);
    if (!after) diff.removed.push(...before);
    else {
      const from = versions(before);
      const to = versions(after);
      if (from !== to) diff.changed.push({ name: before[0].name, ...(before[0].architecture ? { architecture: before[0].architecture } : {}), from, to });
    }
  }
  for (const [key, after] of gb) if (!ga.has(key)) diff.added.push(...after);
  const byName = (x: { name: string; architecture?: string }, y: { name: string; architecture?: string }) =>
    x.name.localeCompare(y.name) || (x.architecture ?? '').localeCompare(y.architecture ?? '');
  diff.added.sort(byName);
  diff.removed.sort(byName);
  diff.changed.sort(byName);
  return diff;
}

/** The versions installed side by side ("6.1.90-1 and 6.1.94-1"): not with commas, which the summary line uses between packages. */
function versions(list: SbomPackage[]): string {
  return [...new Set(list.map((p) => p.version))].sort().join(' and ');
}

export function isEmptyDiff(d: PackageDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length === 0;
}
