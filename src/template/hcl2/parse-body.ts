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
  const body = parseBody(c);
  return body;
}

/** `open`: the "{" of the block whose body this is (undefined at the top of a file). */
function parseBody(c: Cursor, open?: Range): Body {
  const top = open === undefined;
  const start = c.peek().range;
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  const seen = new Map<string, Range>();
  for (;;) {
    c.skipNewlines();
    const t = c.peek();
    if (t.type === 'eof') {
      if (!top) c.fail('this "{" is never closed: the file ends inside its block', open);
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
  const next = c.raw();
  const body = next.type === 'newline' || next.type === 'eof' ? parseBody(c, open.range) : parseOneLineBody(c);
  const close = c.expect('}', `to close the ${type} block`);
  endOfItem(c);
  return { type, labels, labelRanges, body: { ...body, range: rangeBetween(open.range, close.range) }, range: rangeBetween(typeRange, labelRanges[labelRanges.length - 1] ?? typeRange) };
}

/**
 * A block opened and closed on one line, as hclsyntax allows it: empty, or one argument, then "}"
 * on the same line (`a { b = "foo" }`); a second argument, a nested block or a line break are errors.
 */
function parseOneLineBody(c: Cursor): Body {
  const start = c.peek().range;
  const t = c.raw();
  if (t.type === 'punct' && t.value === '}') return { attributes: [], blocks: [], range: start };
  if (t.type !== 'ident') c.fail(`expected an argument name, found ${describe(t)}`, t.range);
  c.next();
  if (!c.punct('=')) c.fail('a single-line block cannot contain another block; put it on lines of its own', rangeBetween(t.range, c.peek().range));
  c.next();
  const expr = parseExpression(c);
  const after = c.raw();
  if (after.type === 'newline') c.fail('the "}" of a single-line block must be on the same line; put each argument on its own line', after.range);
  if (!(after.type === 'punct' && after.value === '}')) c.fail(`only one argument is allowed in a single-line block, found ${describe(after)}`, after.range);
  return { attributes: [{ name: t.value, expr, range: rangeBetween(t.range, expr.range), nameRange: t.range }], blocks: [], range: rangeBetween(start, expr.range) };
}

/** An argument or block ends with a newline or the end of the file (a one-line block's "}" is read by parseOneLineBody). */
function endOfItem(c: Cursor): void {
  const t = c.raw();
  if (t.type === 'newline') return void c.next();
  if (t.type === 'eof') return;
  c.fail(`expected a newline after this argument or block, found ${describe(t)}`, t.range);
}
