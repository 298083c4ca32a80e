/**
 * The script made from `inline`. Packer joins the lines into one script so state carries over;
 * bake does the same, and where it can do so without changing what the lines mean, it also tracks
 * which line was running so a failure can say `inline[2]` instead of "the script".
 */

const MARKER = '__BAKE_INLINE_FAILED_AT ';
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh']);
/** Words that, placed after an inserted assignment, would change a condition or break the syntax. */
const UNSAFE_FIRST_WORDS = new Set(['then', 'do', 'in', 'esac', ';;']);
const CONTINUATIONS = ['\\', '|', '&&', '||', '(', '{'];

export interface InlineScript {
  content: string;
  /** Whether a failing line reports its index on stderr. */
  tracked: boolean;
}

/** Where a tracked script failed: the inline element, and the line within it when the element has several. */
export interface InlinePosition {
  index: number;
  line?: number;
}

export function buildInlineScript(lines: readonly string[], shebang: string): InlineScript {
  const head = `#!${shebang}\n`;
  if (!canTrack(lines, shebang)) return { content: head + lines.join('\n') + '\n', tracked: false };
  const trap = `trap '__bake_rc=$?; [ "$__bake_rc" -eq 0 ] || printf "${MARKER}%s\\n" "$__bake_inline" >&2' EXIT\n`;
  // An element holding several lines ("set -e\napt-get update") is tracked line by line: "0.1" is its second line.
  const body = lines
    .map((line, i) => {
      const parts = line.split('\n');
      return parts.length === 1 ? `__bake_inline=${i}; ${line}` : parts.map((part, j) => `__bake_inline=${i}.${j}; ${part}`).join('\n');
    })
    .join('\n');
  return { content: head + trap + body + '\n', tracked: true };
}

function canTrack(elements: readonly string[], shebang: string): boolean {
  const words = shebang.trim().split(/\s+/);
  const interpreter = (words[0]?.endsWith('/env') ? words[1] : words[0]) ?? '';
  if (!POSIX_SHELLS.has(interpreter.split('/').pop() ?? '')) return false;
  const lines = elements.flatMap((e) => e.split('\n'));
  return lines.every((line, i) => {
    const t = line.trim();
    if (t.includes('<<') || /(^|[\s;])case\s/.test(t)) return false;
    if (UNSAFE_FIRST_WORDS.has(t.split(/[\s;]+/)[0] ?? '')) return false;
    if (i < lines.length - 1 && CONTINUATIONS.some((c) => t.endsWith(c))) return false;
    return balancedQuotes(t);
  });
}

function balancedQuotes(text: string): boolean {
  const singles = (text.match(/'/g) ?? []).length;
  const doubles = (text.match(/(?<!\\)"/g) ?? []).length;
  return singles % 2 === 0 && doubles % 2 === 0;
}

/** Splits the failure marker off a stderr line: the text before it, and the inline position it names. */
export function splitMarker(line: string): { text: string; at?: InlinePosition } {
  const found = line.lastIndexOf(MARKER);
  if (found < 0) return { text: line };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(line.slice(found + MARKER.length).trim());
  const at = m ? { index: Number(m[1]), ...(m[2] !== undefined ? { line: Number(m[2]) } : {}) } : undefined;
  return { text: line.slice(0, found), ...(at ? { at } : {}) };
}
