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

export function buildInlineScript(lines: readonly string[], shebang: string): InlineScript {
  const head = `#!${shebang}\n`;
  if (!canTrack(lines, shebang)) return { content: head + lines.join('\n') + '\n', tracked: false };
  const trap = `trap '__bake_rc=$?; [ "$__bake_rc" -eq 0 ] || printf "${MARKER}%s\\n" "$__bake_inline" >&2' EXIT\n`;
  const body = lines.map((line, i) => `__bake_inline=${i}; ${line}`).join('\n');
  return { content: head + trap + body + '\n', tracked: true };
}

function canTrack(lines: readonly string[], shebang: string): boolean {
  const words = shebang.trim().split(/\s+/);
  const interpreter = (words[0]?.endsWith('/env') ? words[1] : words[0]) ?? '';
  if (!POSIX_SHELLS.has(interpreter.split('/').pop() ?? '')) return false;
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

/** Splits the failure marker off a stderr line: the text before it, and the inline index it names. */
export function splitMarker(line: string): { text: string; index?: number } {
  const at = line.lastIndexOf(MARKER);
  if (at < 0) return { text: line };
  const index = Number(line.slice(at + MARKER.length).trim());
  return { text: line.slice(0, at), ...(Number.isInteger(index) ? { index } : {}) };
}
