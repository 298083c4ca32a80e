import type { Expr } from './ast.js';
import { Cursor, describe } from './cursor.js';
import { parseHeredoc, parseQuoted } from './parse-template.js';
import { rangeBetween } from './range.js';

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

/** An expression (hclsyntax/spec.md, "Expressions"), operators at HCL's precedence. */
export function parseExpression(c: Cursor): Expr {
  const cond = parseBinary(c, 0);
  if (!c.punct('?')) return cond;
  c.next();
  const then = c.within(true, () => parseExpression(c));
  c.within(true, () => c.expect(':', 'between the two results of a conditional'));
  const otherwise = parseExpression(c);
  return { kind: 'conditional', cond, then, else: otherwise, range: rangeBetween(cond.range, otherwise.range) };
}

function parseBinary(c: Cursor, level: number): Expr {
  if (level === BINARY_LEVELS.length) return parseUnary(c);
  let left = parseBinary(c, level + 1);
  for (;;) {
    const t = c.peek();
    if (t.type !== 'punct' || !BINARY_LEVELS[level].includes(t.value)) return left;
    c.next();
    const right = parseBinary(c, level + 1);
    left = { kind: 'binary', op: t.value, left, right, range: rangeBetween(left.range, right.range) };
  }
}

function parseUnary(c: Cursor): Expr {
  const t = c.peek();
  if (t.type === 'punct' && (t.value === '!' || t.value === '-')) {
    c.next();
    const operand = parseUnary(c);
    return { kind: 'unary', op: t.value, operand, range: rangeBetween(t.range, operand.range) };
  }
  return parsePostfix(c, parsePrimary(c));
}

/** Attribute, index and splat steps after an expression. */
function parsePostfix(c: Cursor, expr: Expr): Expr {
  for (;;) {
    const step = parseStep(c, expr, true);
    if (!step) return expr;
    expr = step;
  }
}

/** One traversal step applied to `on`, or undefined. `allowSplat`: a splat starts here. */
function parseStep(c: Cursor, on: Expr, allowSplat: boolean, attrOnly = false): Expr | undefined {
  const t = c.peek();
  if (t.type !== 'punct') return undefined;
  if (t.value === '.') {
    const after = c.peek(1);
    if (after.type === 'punct' && after.value === '*') {
      if (!allowSplat) return undefined;
      c.next();
      const star = c.next();
      return splat(c, on, star.range.end, true);
    }
    c.next();
    const name = c.next();
    if (name.type === 'ident') return { kind: 'attr', object: on, name: name.value, range: rangeBetween(on.range, name.range) };
    if (name.type === 'number' && /^\d+$/.test(name.value)) {
      // The legacy index form `list.0`.
      return { kind: 'index', object: on, key: { kind: 'literal', value: Number(name.value), range: name.range }, range: rangeBetween(on.range, name.range) };
    }
    c.fail(`expected an attribute name after ".", found ${describe(name)}`, name.range);
  }
  if (t.value === '[' && !attrOnly) {
    const after = c.peek(1);
    if (after.type === 'punct' && after.value === '*' && c.peek(2).type === 'punct' && c.peek(2).value === ']') {
      if (!allowSplat) return undefined;
      c.next();
      c.next();
      const close = c.next();
      return splat(c, on, close.range.end, false);
    }
    c.next();
    const key = c.within(true, () => parseExpression(c));
    const close = c.within(true, () => c.expect(']', 'to close the index'));
    return { kind: 'index', object: on, key, range: rangeBetween(on.range, close.range) };
  }
  return undefined;
}

function splat(c: Cursor, source: Expr, end: Expr['range']['end'], attrOnly: boolean): Expr {
  const item: Expr = { kind: 'splatItem', range: { ...source.range, start: end, end } };
  let each: Expr = item;
  for (;;) {
    const step = parseStep(c, each, false, attrOnly);
    if (!step) break;
    each = step;
  }
  return { kind: 'splat', source, each, range: { ...source.range, end: each.range.end.offset > end.offset ? each.range.end : end } };
}

function parsePrimary(c: Cursor): Expr {
  const t = c.peek();
  switch (t.type) {
    case 'number':
      c.next();
      return { kind: 'literal', value: Number(t.value), range: t.range };
    case 'oquote':
      return parseQuoted(c);
    case 'oheredoc':
      return parseHeredoc(c);
    case 'ident': {
      c.next();
      if (t.value === 'true' || t.value === 'false') return { kind: 'literal', value: t.value === 'true', range: t.range };
      if (t.value === 'null') return { kind: 'literal', value: null, range: t.range };
      if (c.raw().type === 'punct' && c.raw().value === '(') return parseCall(c, t.value, t.range);
      return { kind: 'variable', name: t.value, range: t.range };
    }
    case 'punct':
      if (t.value === '(') {
        c.next();
        const expr = c.within(true, () => parseExpression(c));
        const close = c.within(true, () => c.expect(')', 'to close the parenthesis'));
        return { kind: 'parens', expr, range: rangeBetween(t.range, close.range) };
      }
      if (t.value === '[') return parseTuple(c);
      if (t.value === '{') return parseObject(c);
  }
  return c.fail(`expected an expression, found ${describe(t)}`);
}

function parseCall(c: Cursor, name: string, nameRange: Expr['range']): Expr {
  return c.within(true, () => {
    c.next();
    const args: Expr[] = [];
    let expandFinal = false;
    while (!c.punct(')')) {
      args.push(parseExpression(c));
      if (c.accept('...')) {
        expandFinal = true;
        break;
      }
      if (!c.accept(',')) break;
    }
    const close = c.expect(')', `to close the arguments of ${name}()`);
    return { kind: 'call', name, args, expandFinal, range: rangeBetween(nameRange, close.range), nameRange };
  });
}

function parseTuple(c: Cursor): Expr {
  return c.within(true, () => {
    const open = c.next();
    if (c.is('ident', 'for')) return parseFor(c, open.range, false);
    const items: Expr[] = [];
    while (!c.punct(']')) {
      items.push(parseExpression(c));
      if (!c.accept(',')) break;
    }
    const close = c.expect(']', 'to close the list');
    return { kind: 'tuple', items, range: rangeBetween(open.range, close.range) };
  });
}

function parseObject(c: Cursor): Expr {
  const open = c.within(true, () => c.next());
  if (c.within(true, () => c.is('ident', 'for'))) return c.within(true, () => parseFor(c, open.range, true));
  return c.within(false, () => {
    const items: { key: Expr; value: Expr; keyIsIdent: boolean }[] = [];
    for (;;) {
      c.skipNewlines();
      if (c.punct('}')) break;
      const key = c.within(true, () => parseExpression(c));
      const sep = c.within(true, () => c.peek());
      if (!(sep.type === 'punct' && (sep.value === '=' || sep.value === ':'))) {
        c.fail(`expected "=" after the object key, found ${describe(sep)}`, sep.range);
      }
      c.within(true, () => c.next());
      const value = c.within(true, () => parseExpression(c));
      items.push({ key, value, keyIsIdent: key.kind === 'variable' });
      const t = c.raw();
      if (t.type === 'newline' || (t.type === 'punct' && t.value === ',')) {
        c.next();
        continue;
      }
      if (t.type === 'punct' && t.value === '}') break;
      c.fail(`expected "," or a newline between object items, found ${describe(t)}`, t.range);
    }
    const close = c.expect('}', 'to close the object');
    return { kind: 'object', items, range: rangeBetween(open.range, close.range) };
  });
}

/** `[for k, v in coll : expr if cond]` and `{for k, v in coll : key => value... if cond}`. */
function parseFor(c: Cursor, open: Expr['range'], object: boolean): Expr {
  c.next();
  const first = c.next();
  if (first.type !== 'ident') c.fail('expected a variable name after "for"', first.range);
  let keyVar: string | undefined;
  let valueVar = first.value;
  if (c.accept(',')) {
    const second = c.next();
    if (second.type !== 'ident') c.fail('expected a second variable name after ","', second.range);
    keyVar = first.value;
    valueVar = second.value;
  }
  const inTok = c.next();
  if (!(inTok.type === 'ident' && inTok.value === 'in')) c.fail(`expected "in" in the for expression, found ${describe(inTok)}`, inTok.range);
  const collection = parseExpression(c);
  c.expect(':', 'after the collection of a for expression');
  let key: Expr | undefined;
  let value = parseExpression(c);
  let group = false;
  if (object) {
    c.expect('=>', 'between the key and the value of an object for expression');
    key = value;
    value = parseExpression(c);
    group = c.accept('...') !== undefined;
  }
  let cond: Expr | undefined;
  if (c.is('ident', 'if')) {
    c.next();
    cond = parseExpression(c);
  }
  const close = c.expect(object ? '}' : ']', 'to close the for expression');
  return { kind: 'for', keyVar, valueVar, collection, key, value, group, cond, range: rangeBetween(open, close.range) };
}
