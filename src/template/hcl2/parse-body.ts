import type { Attribute, Block, Body } from './ast.js';
import { Cursor, describe } from './cursor.js';
import { HclError, rememberSource } from './diagnostics.js';
import { lex } from './lexer.js';
import { parseExpression } from './parse-expression.js';
import { rangeBetween, type Range } from './range.js';

/** Parses a file of HCL native syntax into its body (hclsyntax/spec.md, "Structural Elements"). */
export function parseFile(file: string, text: string): Body {
  rememberSource(file, text);
  const c = new Cursor(lex(file, text));
  const body = parseBody(c, true);
  return body;
}

function parseBody(c: Cursor, top: boolean): Body {
  const start = c.peek().range;
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  const seen = new Map<string, Range>();
  for (;;) {
    c.skipNewlines();
    const t = c.peek();
    if (t.type === 'eof') {
      if (!top) c.fail('unexpected end of file: a block is not closed with "}"');
      break;
    }
    if (t.type === 'punct' && t.value === '}') {
      if (top) c.fail('unexpected "}": no block is open here');
      break;
    }
    if (t.type !== 'ident') c.fail(`expected an argument or block name, found ${describe(t)}`);
    c.next();
    if (c.punct('=')) {
      c.next();
      const expr = parseExpression(c);
      const previous = seen.get(t.value);
      if (previous) {
        throw new HclError(t.range, `argument "${t.value}" is already set at line ${previous.start.line}; each argument may be set once in a block`);
      }
      seen.set(t.value, t.range);
      attributes.push({ name: t.value, expr, range: rangeBetween(t.range, expr.range), nameRange: t.range });
      endOfItem(c);
      continue;
    }
    blocks.push(parseBlock(c, t.value, t.range));
  }
  const end = c.peek().range;
  return { attributes, blocks, range: rangeBetween(start, end) };
}

function parseBlock(c: Cursor, type: string, typeRange: Range): Block {
  const labels: string[] = [];
  const labelRanges: Range[] = [];
  for (;;) {
    const t = c.peek();
    if (t.type === 'ident') {
      c.next();
      labels.push(t.value);
      labelRanges.push(t.range);
      continue;
    }
    if (t.type === 'oquote') {
      c.next();
      let text = '';
      let lit = c.next();
      if (lit.type === 'lit') {
        text = lit.value;
        lit = c.next();
      }
      if (lit.type !== 'cquote') c.fail('a block label must be a plain string, without ${ } or %{ }', lit.range);
      labels.push(text);
      labelRanges.push(rangeBetween(t.range, lit.range));
      continue;
    }
    break;
  }
  const open = c.peek();
  if (!(open.type === 'punct' && open.value === '{')) {
    const hint = open.type === 'punct' && open.value === '=' ? '' : labels.length === 0 ? '; an argument needs "=" and a block needs "{"' : '';
    c.fail(`expected "{" to open the ${type} block, found ${describe(open)}${hint}`);
  }
  c.next();
  const body = parseBody(c, false);
  const close = c.expect('}', `to close the ${type} block`);
  endOfItem(c);
  return { type, labels, labelRanges, body: { ...body, range: rangeBetween(open.range, close.range) }, range: rangeBetween(typeRange, labelRanges[labelRanges.length - 1] ?? typeRange) };
}

/** An argument or block ends with a newline, the end of the file, or (a one-line block) "}". */
function endOfItem(c: Cursor): void {
  const t = c.raw();
  if (t.type === 'newline') return void c.next();
  if (t.type === 'eof' || (t.type === 'punct' && t.value === '}')) return;
  c.fail(`expected a newline after this argument or block, found ${describe(t)}`, t.range);
}
