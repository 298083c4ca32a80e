import type { PackageDiff } from './diff.js';

/** One line for a summary: "openssl 3.0.11-1 → 3.0.15-1, +2 packages, -1 package", or "no package changed". */
export function diffSummary(d: PackageDiff, maxChanges = 3): string {
  const parts: string[] = d.changed.slice(0, maxChanges).map((c) => `${c.name} ${c.from} → ${c.to}`);
  if (d.changed.length > maxChanges) parts.push(`${d.changed.length - maxChanges} more changed`);
  if (d.added.length) parts.push(`+${d.added.length} package${d.added.length === 1 ? '' : 's'}`);
  if (d.removed.length) parts.push(`-${d.removed.length} package${d.removed.length === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : 'no package changed';
}

/** The human table of `bake diff`: one row per added (+), removed (-) and changed (~) package. */
export function diffTable(d: PackageDiff): string {
  const label = (p: { name: string; architecture?: string }) => p.name + (p.architecture ? `:${p.architecture}` : '');
  const rows: [string, string, string, string][] = [
    ...d.added.map((p): [string, string, string, string] => ['+', label(p), '', p.version]),
    ...d.removed.map((p): [string, string, string, string] => ['-', label(p), p.version, '']),
    ...d.changed.map((c): [string, string, string, string] => ['~', label(c), c.from, c.to]),
  ].sort((x, y) => x[1].localeCompare(y[1]));
  const counts = `${d.counts.a} → ${d.counts.b} packages: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`;
  if (rows.length === 0) return `${counts}\n`;
  const header: [string, string, string, string] = [' ', 'package', 'before', 'after'];
  const widths = [0, 1, 2].map((i) => Math.max(header[i].length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `${r[0].padEnd(widths[0])} ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`.trimEnd();
  return [line(header), ...rows.map(line), '', counts, ''].join('\n');
}
