import { rememberSource } from './diagnostics.js';
import { lex } from './lexer.js';
import { parseFile } from './parse-body.js';
import type { Token } from './tokens.js';

/** As `packer fmt`: a file that does not parse is an error (file:line:col), not formatted. */
export function formatHclFile(file: string, text: string): string {
  rememberSource(file, text);
  parseFile(file, text);
  return formatHcl(file, text);
}

/**
 * `packer fmt`: hclwrite's Format (hclwrite/format.go in hashicorp/hcl), on bake's own tokens.
 * Only the spaces before tokens change: each line indented two spaces per open bracket, one
 * space (or none) between tokens by hclwrite's rules, and the `=` of consecutive attribute lines
 * (and their trailing comments) aligned. Text inside strings, heredocs and comments is kept.
 */
export function formatHcl(file: string, text: string): string {
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const tokens = lex(file, text, { comments: true });
  const cells: Cell[] = [];
  let last = bom.length;
  for (const t of tokens) {
    cells.push({ t, kind: kindOf(t), bytes: text.slice(t.range.start.offset, t.range.end.offset), spaces: t.range.start.offset - last });
    last = t.range.end.offset;
  }
  const lines = linesOf(cells);
  formatIndent(lines);
  formatSpaces(lines);
  formatCells(lines);
  return bom + cells.map((c) => ' '.repeat(c.spaces) + c.bytes).join('');
}

/** A token as hclwrite sees it: its kind, its source text and the spaces written before it. */
interface Cell {
  t: Token;
  kind: string;
  bytes: string;
  spaces: number;
}

interface Line {
  lead: Cell[];
  assign?: Cell[];
  comment?: Cell[];
}

/** hclsyntax's token types that the rules tell apart: punctuation by its text, the rest by lexer type. */
function kindOf(t: Token): string {
  return t.type === 'punct' ? t.value : t.type;
}

const NIL: Cell = { t: { type: 'eof', value: '', range: undefined as never }, kind: 'nil', bytes: '', spaces: 0 };

const isNewline = (c: Cell) => c.kind === 'newline' || (c.kind === 'comment' && c.bytes.endsWith('\n'));

function bracketChange(c: Cell): number {
  switch (c.kind) {
    case '{':
    case '[':
    case '(':
    case 'interp':
    case 'control':
      return 1;
    case '}':
    case ']':
    case ')':
    case 'tend':
      return -1;
    default:
      return 0;
  }
}

function linesOf(cells: Cell[]): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < cells.length; i++) {
    if (cells[i].kind === 'eof') {
      lines.push({ lead: cells.slice(start, i) });
      start = cells.length;
      break;
    }
    if (isNewline(cells[i])) {
      lines.push({ lead: cells.slice(start, i + 1) });
      start = i + 1;
    }
  }
  for (const line of lines) {
    const lead = line.lead;
    if (lead.length > 1 && lead[lead.length - 1].kind === 'comment') {
      line.comment = lead.slice(-1);
      line.lead = lead.slice(0, -1);
    }
    const eq = line.lead.findIndex((c, i) => i > 0 && c.kind === '=');
    // Only an assignment whose value ends on this line is aligned; `x = {` opens a multi-line value.
    if (eq > 0 && line.lead.slice(eq).reduce((n, c) => n + bracketChange(c), 0) === 0) {
      line.assign = line.lead.slice(eq);
      line.lead = line.lead.slice(0, eq);
    }
  }
  return lines;
}

function formatIndent(lines: Line[]): void {
  const indents: number[] = [];
  for (const line of lines) {
    if (line.lead.length === 0) continue;
    if (line.lead[0].kind === 'newline') {
      line.lead[0].spaces = 0;
      continue;
    }
    let net = 0;
    for (const c of line.lead) {
      net += bracketChange(c);
      if (c.kind === 'oheredoc') break;
    }
    for (const c of line.assign ?? []) net += bracketChange(c);
    if (net > 0) {
      line.lead[0].spaces = 2 * indents.length;
      indents.push(net);
      continue;
    }
    let closed = -net;
    while (closed > 0 && indents.length > 0) {
      const top = indents[indents.length - 1];
      if (closed > top) {
        closed -= top;
        indents.pop();
      } else if (closed < top) {
        indents[indents.length - 1] = top - closed;
        closed = 0;
      } else {
        indents.pop();
        closed = 0;
      }
    }
    line.lead[0].spaces = 2 * indents.length;
  }
}

function formatSpaces(lines: Line[]): void {
  const space = (cells: Cell[]) => {
    for (let i = 0; i < cells.length - 1; i++) cells[i + 1].spaces = spaceAfter(cells[i], i > 0 ? cells[i - 1] : NIL, cells[i + 1]) ? 1 : 0;
  };
  for (const line of lines) {
    space(line.lead);
    if (line.assign) {
      line.assign[0].spaces = 1;
      space(line.assign);
    }
  }
}

/** hclwrite's spaceAfterToken, rule for rule. */
function spaceAfter(subject: Cell, before: Cell, after: Cell): boolean {
  const s = subject.kind;
  const a = after.kind;
  if (a === 'newline' || a === 'nil') return false;
  if (s === 'ident' && a === '(') return false;
  if (s === '.' || a === '.') return false;
  if (a === ',' || a === '...') return false;
  if (s === ',') return true;
  if (s === 'lit' || s === 'oquote' || s === 'oheredoc' || a === 'lit' || a === 'cquote' || a === 'cheredoc') return false;
  if (s === 'ident' && subject.bytes === 'in' && before.kind === 'ident') return true;
  if (a === '[' && (s === 'ident' || s === 'number' || bracketChange(subject) < 0)) return false;
  if (s === '!') return false;
  if (s === '-') {
    return !['nil', '(', '{', '[', '=', ':', ',', '?', '+', '*', '/', '%', '-', '==', '!=', '>', '>=', '<', '<=', '&&', '||', '!'].includes(before.kind);
  }
  if (s === '{' || a === '}') return !(s === '{' && a === '}');
  if ((s === 'interp' || s === 'control') && a === '{') return true;
  if (s === '}' && a === 'tend') return true;
  if (s === 'tend' && (a === 'interp' || a === 'control')) return false;
  if (bracketChange(subject) > 0) return false;
  if (bracketChange(after) < 0) return false;
  return true;
}

/** Display columns, as hclwrite counts them (grapheme clusters). */
function columns(cells: Cell[]): number {
  let n = 0;
  for (const c of cells) n += c.spaces + (/^[\x20-\x7e]*$/.test(c.bytes) ? c.bytes.length : [...SEGMENTER.segment(c.bytes)].length);
  return n;
}

const SEGMENTER = new Intl.Segmenter();

function formatCells(lines: Line[]): void {
  align(lines, (l) => l.assign, (l) => columns(l.lead));
  align(lines, (l) => l.comment, (l) => columns(l.lead) + columns(l.assign ?? []));
}

/** Aligns the first token of a cell over each run of consecutive lines that have that cell. */
function align(lines: Line[], cell: (l: Line) => Cell[] | undefined, width: (l: Line) => number): void {
  let chain: Line[] = [];
  const close = () => {
    const max = Math.max(...chain.map(width));
    for (const l of chain) cell(l)![0].spaces = max - width(l) + 1;
    chain = [];
  };
  for (const line of lines) {
    if (cell(line)) chain.push(line);
    else if (chain.length > 0) close();
  }
  if (chain.length > 0) close();
}
