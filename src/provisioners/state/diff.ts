const MAX_LINES = 400;
const SHOWN = 20;

/**
 * A short line diff for the report: `-old` / `+new` lines of what differs (LCS over at most a few
 * hundred lines; larger or binary files get a one-line summary instead).
 */
export function shortDiff(oldText: string | undefined, newText: string): string {
  if (oldText === undefined) return 'New file';
  if (oldText.includes('\0') || newText.includes('\0')) return 'Replace binary file';
  const a = oldText.split('\n');
  const b = newText.split('\n');
  if (a.length > MAX_LINES || b.length > MAX_LINES) return `Replace file (${a.length} → ${b.length} lines)`;
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) out.push(`+${b[j++]}`);
    else out.push(`-${a[i++]}`);
  }
  const more = out.length > SHOWN ? [`… ${out.length - SHOWN} more changed lines`] : [];
  return [...out.slice(0, SHOWN), ...more].join('\n');
}
