import { formatDiagnostic } from '../diagnostics.js';
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
 * The shared loader reports plugin errors as `FILE: PATH: message`, PATH being the path it was
 * given for the block (`source.qemu.base`, `build[0].provisioner[2]`) plus the key. This puts
 * such a line at the HCL2 source: `file:line:col: source "qemu" "base": ssh_port: message` at the
 * attribute whose path is the longest prefix of PATH, with the source line and a caret. Lines
 * without a known path are kept as they are.
 */
export function placeError(line: string, loaderFile: string, ranges: RangeMap, labels: Map<string, string> = new Map()): string {
  const prefix = `${loaderFile}: `;
  if (!line.startsWith(prefix)) return line;
  const rest = line.slice(prefix.length);
  const colon = rest.indexOf(': ');
  if (colon < 0) return line;
  const path = rest.slice(0, colon);
  const best = longestPrefix(path, ranges.keys());
  if (best === undefined) return line;
  const root = longestPrefix(path, labels.keys());
  const inner = root === undefined ? path : path.slice(root.length).replace(/^\./, '');
  const where = root === undefined ? path : inner ? `${labels.get(root)}: ${inner}` : labels.get(root)!;
  return formatDiagnostic(ranges.get(best), `${where}: ${rest.slice(colon + 2)}`);
}
