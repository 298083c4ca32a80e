import type { Segment } from './ast.js';
import { parseAction } from './parse-action.js';
import { TemplateSyntaxError } from './template-error.js';

const SPACE = new Set([' ', '\t', '\r', '\n']);

/** Splits text into literal text and `{{ }}` actions, applying `{{-` / `-}}` trim markers. */
export function scan(text: string): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  let trimNextText = false;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    let literal = open < 0 ? text.slice(pos) : text.slice(pos, open);
    if (trimNextText) literal = literal.replace(/^[ \t\r\n]+/, '');
    if (open < 0) {
      if (literal) segments.push({ kind: 'text', text: literal });
      break;
    }
    const trimLeft = text[open + 2] === '-' && SPACE.has(text[open + 3] ?? '');
    if (trimLeft) literal = literal.replace(/[ \t\r\n]+$/, '');
    if (literal) segments.push({ kind: 'text', text: literal });

    const bodyStart = open + (trimLeft ? 3 : 2);
    const close = findClose(text, bodyStart, open);
    const trimRight = text[close - 1] === '-' && SPACE.has(text[close - 2] ?? '');
    const body = text.slice(bodyStart, trimRight ? close - 1 : close);
    const source = text.slice(open, close + 2);
    const inner = body.trim();
    if (inner.startsWith('/*')) {
      if (!inner.endsWith('*/')) throw new TemplateSyntaxError(`unclosed comment in ${source}`);
      segments.push({ kind: 'comment' });
    } else {
      segments.push({ kind: 'action', pipeline: parseAction(body, source), source });
    }
    trimNextText = trimRight;
    pos = close + 2;
  }
  return segments;
}

/** Index of the `}}` closing the action that starts at `from`, skipping quoted text and comments. */
function findClose(text: string, from: number, open: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '}' && text[i + 1] === '}') return i;
    if (c === '"') i = skipQuoted(text, i, open);
    else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw unterminated(text, open, 'raw string (`) is not closed');
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw unterminated(text, open, 'comment is not closed');
      i = end + 2;
    } else i++;
  }
  throw unterminated(text, open, 'no closing "}}"');
}

function skipQuoted(text: string, start: number, open: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
    else if (text[i] === '\n') break;
  }
  throw unterminated(text, open, 'string is not closed');
}

function unterminated(text: string, open: number, why: string): TemplateSyntaxError {
  const excerpt = text.slice(open, open + 40);
  return new TemplateSyntaxError(`unterminated "{{" at character ${open + 1} (${why}): ${excerpt}`);
}
