import { formatDiagnostic, formatWarning } from '../diagnostics.js';
import type { Range } from '../range.js';
import type { RangeMap } from './plugin-body.js';

function longestPrefix(path: string, keys: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const key of keys) {
    const isPrefix = path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
    if (isPrefix && (!best || key.length > best.length)) best = key;
  }
  return best;
}

/**
 * The shared loader reports plugin errors and warnings as `FILE: PATH: message`, PATH being the
 * path it was given for the block (`source.qemu.base`, `build[0].provisioner[2]`) plus the key.
 * This finds the HCL2 attribute whose path is the longest prefix of PATH (or, for a note on several
 * keys, `PATH: a, b: message`, the first of them) and names the block by its label:
 * `source "qemu" "base": ssh_port: message`. Undefined for lines without a known path.
 */
function locate(line: string, loaderFile: string, ranges: RangeMap, labels: Map<string, string>): { range: Range | undefined; text: string } | undefined {
  const prefix = `${loaderFile}: `;
  if (!line.startsWith(prefix)) return undefined;
  const rest = line.slice(prefix.length);
  const colon = rest.indexOf(': ');
  if (colon < 0) return undefined;
  const path = rest.slice(0, colon);
  const message = rest.slice(colon + 2);
  const firstKey = /^([\w-]+)(?:, [\w-]+)*: /.exec(message)?.[1];
  const best = firstKey !== undefined && ranges.has(`${path}.${firstKey}`) ? `${path}.${firstKey}` : longestPrefix(path, ranges.keys());
  if (best === undefined) return undefined;
  const root = longestPrefix(path, labels.keys());
  const inner = root === undefined ? path : path.slice(root.length).replace(/^\./, '');
  const label = root === undefined ? undefined : labels.get(root)!;
  // A message that names its block already (`skipping post-processor "utm-vagrant": …`) is not prefixed again.
  if (label !== undefined && message.includes(label)) return { range: ranges.get(best), text: message };
  const where = label === undefined ? path : inner ? `${label}: ${inner}` : label;
  return { range: ranges.get(best), text: `${where}: ${message}` };
}

/** An error line of the shared loader at its HCL2 source, with the source line and a caret. */
export function placeError(line: string, loaderFile: string, ranges: RangeMap, labels: Map<string, string> = new Map()): string {
  const placed = locate(line, loaderFile, ranges, labels);
  return placed ? formatDiagnostic(placed.range, placed.text) : line;
}

/** A warning line of the shared loader at its HCL2 source, on one line. */
export function placeWarning(line: string, loaderFile: string, ranges: RangeMap, labels: Map<string, string>): string {
  const placed = locate(line, loaderFile, ranges, labels);
  return placed ? formatWarning(placed.range, placed.text) : line;
}
