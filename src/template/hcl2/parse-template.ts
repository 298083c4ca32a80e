import type { Expr, TemplatePart } from './ast.js';
import { Cursor, describe } from './cursor.js';
import { HclError, rememberSource } from './diagnostics.js';
import { lex } from './lexer.js';
import { parseExpression } from './parse-expression.js';
import { rangeBetween, type Range } from './range.js';

/** A template piece before directives are nested: text, `${…}`, or a `%{…}` tag. */
type Flat =
  | { kind: 'text'; text: string; range: Range; lineStart: boolean }
  | { kind: 'interp'; expr: Expr; range: Range; stripBefore: boolean; stripAfter: boolean }
  | { kind: 'tag'; tag: 'if' | 'else' | 'endif' | 'for' | 'endfor'; range: Range; stripBefore: boolean; stripAfter: boolean; expr?: Expr; keyVar?: string; valueVar?: string };

export function parseQuoted(c: Cursor): Expr {
  const open = c.next();
  return c.within(false, () => {
    const flat = parseFlat(c, 'cquote');
    const close = c.next();
    return finish(flat, rangeBetween(open.range, close.range));
  });
}

export function parseHeredoc(c: Cursor): Expr {
  const open = c.next();
  return c.within(false, () => {
    const flat = parseFlat(c, 'cheredoc');
    const close = c.next();
    if (open.flush) flush(flat);
    return finish(flat, rangeBetween(open.range, close.range));
  });
}

/** A whole file as a template, as templatefile() reads it. */
export function parseTemplateFile(file: string, text: string): Expr {
  rememberSource(file, text);
  const c = new Cursor(lex(file, text, { template: true }));
  const first = c.raw();
  const flat = parseFlat(c, 'cheredoc');
  const last = c.raw();
  return finish(flat, rangeBetween(first.range, last.range));
}

function parseFlat(c: Cursor, end: 'cquote' | 'cheredoc'): Flat[] {
  const flat: Flat[] = [];
  for (;;) {
    const t = c.raw();
    if (t.type === end) return flat;
    if (t.type === 'lit') {
      c.next();
      flat.push({ kind: 'text', text: t.value, range: t.range, lineStart: t.flush === true });
      continue;
    }
    if (t.type === 'interp') {
      c.next();
      const expr = c.within(true, () => parseExpression(c));
      const close = c.within(true, () => c.next());
      if (close.type !== 'tend') throw new HclError(close.range, `expected "}" to close the interpolation, found ${describe(close)}`);
      flat.push({ kind: 'interp', expr, range: rangeBetween(t.range, close.range), stripBefore: t.strip === true, stripAfter: close.strip === true });
      continue;
    }
    if (t.type === 'control') {
      c.next();
      flat.push(c.within(true, () => parseTag(c, t.range, t.strip === true)));
      continue;
    }
    throw new HclError(t.range, `unexpected ${describe(t)} inside a string template`);
  }
}

function parseTag(c: Cursor, start: Range, stripBefore: boolean): Flat {
  const word = c.next();
  const base = { kind: 'tag' as const, stripBefore };
  const close = (): Range => {
    const t = c.next();
    if (t.type !== 'tend') throw new HclError(t.range, `expected "}" to close the %{ ${word.value} } directive, found ${describe(t)}`);
    return t.range;
  };
  const closed = (fields: Omit<Extract<Flat, { kind: 'tag' }>, 'kind' | 'stripBefore' | 'stripAfter' | 'range'>): Flat => {
    const endTok = c.peek();
    const range = rangeBetween(start, close());
    return { ...base, ...fields, range, stripAfter: endTok.strip === true };
  };
  if (word.type === 'ident') {
    switch (word.value) {
      case 'if':
        return closed({ tag: 'if', expr: parseExpression(c) });
      case 'else':
      case 'endif':
      case 'endfor':
        return closed({ tag: word.value });
      case 'for': {
        const first = c.next();
        if (first.type !== 'ident') throw new HclError(first.range, 'expected a variable name after "for"');
        let keyVar: string | undefined;
        let valueVar = first.value;
        if (c.accept(',')) {
          const second = c.next();
          if (second.type !== 'ident') throw new HclError(second.range, 'expected a second variable name after ","');
          keyVar = first.value;
          valueVar = second.value;
        }
        const inTok = c.next();
        if (!(inTok.type === 'ident' && inTok.value === 'in')) throw new HclError(inTok.range, `expected "in" in the for directive, found ${describe(inTok)}`);
        return closed({ tag: 'for', keyVar, valueVar, expr: parseExpression(c) });
      }
    }
  }
  throw new HclError(word.range, `expected if, else, endif, for or endfor after "%{", found ${describe(word)}`);
}

/** Leading whitespace of a line, in characters: HCL counts Unicode spaces (an em space) too, not the newline. */
const leading = (text: string) => /^[^\S\n]*/u.exec(text)![0].length;

/** `<<-`: removes from every line the smallest indentation of the non-blank lines. */
function flush(flat: Flat[]): void {
  const lineStarts = flat.filter((f): f is Extract<Flat, { kind: 'text' }> => f.kind === 'text' && f.lineStart);
  const indents = lineStarts.filter((f) => f.text.trim() !== '' || !f.text.endsWith('\n')).map((f) => leading(f.text));
  const min = indents.length > 0 ? Math.min(...indents) : 0;
  for (const f of lineStarts) {
    const lead = leading(f.text);
    f.text = f.text.slice(Math.min(min, lead));
  }
}

/** Applies `~` strip markers to the neighbouring text, then nests directives. */
function finish(pieces: Flat[], range: Range): Expr {
  // Heredoc text comes a line at a time (for <<-); a strip marker trims across lines, so join them first.
  const flat: Flat[] = [];
  for (const f of pieces) {
    const last = flat[flat.length - 1];
    if (f.kind === 'text' && last?.kind === 'text') flat[flat.length - 1] = { ...last, text: last.text + f.text, range: rangeBetween(last.range, f.range) };
    else flat.push(f);
  }
  flat.forEach((f, i) => {
    if (f.kind === 'text') return;
    const before = flat[i - 1];
    const after = flat[i + 1];
    if (f.stripBefore && before?.kind === 'text') before.text = before.text.replace(/\s+$/, '');
    if (f.stripAfter && after?.kind === 'text') after.text = after.text.replace(/^\s+/, '');
  });
  const state = { i: 0 };
  const parts = nest(flat, state, undefined);
  if (parts.length === 1 && parts[0].kind === 'interp') return { kind: 'wrap', expr: parts[0].expr, range };
  return { kind: 'template', parts, range };
}

function nest(flat: Flat[], state: { i: number }, open: Extract<Flat, { kind: 'tag' }> | undefined): TemplatePart[] {
  const parts: TemplatePart[] = [];
  while (state.i < flat.length) {
    const f = flat[state.i++];
    if (f.kind === 'text') {
      if (f.text !== '') parts.push({ kind: 'text', text: f.text, range: f.range });
      continue;
    }
    if (f.kind === 'interp') {
      parts.push({ kind: 'interp', expr: f.expr, range: f.range });
      continue;
    }
    if (f.tag === 'else' || f.tag === 'endif' || f.tag === 'endfor') {
      const wanted = open?.tag === 'if' ? ['else', 'endif'] : open?.tag === 'for' ? ['endfor'] : [];
      if (!wanted.includes(f.tag)) throw new HclError(f.range, `%{ ${f.tag} } without a matching ${f.tag === 'endfor' ? '%{ for }' : '%{ if }'}`);
      state.i--;
      return parts;
    }
    if (f.tag === 'if') {
      const then = nest(flat, state, f);
      let otherwise: TemplatePart[] | undefined;
      if (flat[state.i]?.kind === 'tag' && (flat[state.i] as { tag: string }).tag === 'else') {
        state.i++;
        otherwise = nest(flat, state, f);
      }
      const end = flat[state.i++];
      if (!end || end.kind !== 'tag' || end.tag !== 'endif') throw new HclError(f.range, '%{ if } is not closed by %{ endif }');
      parts.push({ kind: 'if', cond: f.expr!, then, else: otherwise, range: rangeBetween(f.range, end.range) });
      continue;
    }
    const body = nest(flat, state, f);
    const end = flat[state.i++];
    if (!end || end.kind !== 'tag' || end.tag !== 'endfor') throw new HclError(f.range, '%{ for } is not closed by %{ endfor }');
    parts.push({ kind: 'for', keyVar: f.keyVar, valueVar: f.valueVar!, collection: f.expr!, body, range: rangeBetween(f.range, end.range) });
  }
  return parts;
}
