/** Widest slice of a line shown around the column: minified one-line templates stay readable. */
const WIDTH = 76;

/**
 * The line before and the line of `line:column`, numbered, with a caret under the column, as
 * Packer prints a JSON syntax error:
 *
 *     3:     {"type": "null", "communicator": "none"}
 *     4:     {
 *            ^
 */
export function sourceExcerpt(text: string, line: number, column: number): string {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const numberWidth = String(line).length;
  let from = 0;
  const target = lines[line - 1] ?? '';
  if (target.length > WIDTH) from = Math.max(0, Math.min(column - 1 - WIDTH / 2, target.length - WIDTH));
  const cut = (l: string) => (l.length > WIDTH || from > 0 ? `${from > 0 ? '…' : ''}${l.slice(from, from + WIDTH)}${l.length > from + WIDTH ? '…' : ''}` : l);
  const shown: string[] = [];
  if (line > 1 && lines[line - 2].trim() !== '') shown.push(`    ${String(line - 1).padStart(numberWidth)}: ${cut(lines[line - 2])}`);
  shown.push(`    ${String(line).padStart(numberWidth)}: ${cut(target)}`);
  // Tabs stay tabs under the line, so the caret lines up whatever the terminal's tab width.
  const before = target.slice(from, column - 1).replace(/[^\t]/g, ' ');
  shown.push(`    ${' '.repeat(numberWidth)}  ${from > 0 ? ' ' : ''}${before}^`);
  return shown.join('\n');
}
