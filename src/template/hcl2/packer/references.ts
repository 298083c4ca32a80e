import type { Body, Expr, TemplatePart } from '../ast.js';
import type { Range } from '../range.js';

/** A `local.x` or `data.type.name` named in an expression, and where. */
export interface Reference {
  key: string;
  range: Range;
}

/** The locals and data sources an expression uses, for ordering them as one graph. */
export function references(expr: Expr, out: Reference[] = []): Reference[] {
  const visitParts = (parts: TemplatePart[]) => {
    for (const p of parts) {
      if (p.kind === 'interp') references(p.expr, out);
      else if (p.kind === 'if') {
        references(p.cond, out);
        visitParts(p.then);
        visitParts(p.else ?? []);
      } else if (p.kind === 'for') {
        references(p.collection, out);
        visitParts(p.body);
      }
    }
  };
  const path = traversal(expr);
  if (path && path[0] === 'local' && path.length >= 2) return out.push({ key: `local.${path[1]}`, range: expr.range }), out;
  if (path && path[0] === 'data' && path.length >= 3) return out.push({ key: `data.${path[1]}.${path[2]}`, range: expr.range }), out;
  switch (expr.kind) {
    case 'template': visitParts(expr.parts); break;
    case 'wrap': case 'parens': references(expr.expr, out); break;
    case 'attr': references(expr.object, out); break;
    case 'index': references(expr.object, out); references(expr.key, out); break;
    case 'splat': references(expr.source, out); references(expr.each, out); break;
    case 'call': expr.args.forEach((a) => references(a, out)); break;
    case 'tuple': expr.items.forEach((a) => references(a, out)); break;
    case 'object': expr.items.forEach((i) => { references(i.key, out); references(i.value, out); }); break;
    case 'unary': references(expr.operand, out); break;
    case 'binary': references(expr.left, out); references(expr.right, out); break;
    case 'conditional': references(expr.cond, out); references(expr.then, out); references(expr.else, out); break;
    case 'for':
      references(expr.collection, out);
      if (expr.key) references(expr.key, out);
      references(expr.value, out);
      if (expr.cond) references(expr.cond, out);
      break;
  }
  return out;
}

/** `a.b.c` (attribute steps, or string/number index steps) as names from its root, outermost last. */
function traversal(expr: Expr): string[] | undefined {
  if (expr.kind === 'variable') return [expr.name];
  if (expr.kind === 'attr') {
    const inner = traversal(expr.object);
    return inner && [...inner, expr.name];
  }
  if (expr.kind === 'index' && expr.key.kind === 'literal' && (typeof expr.key.value === 'string' || typeof expr.key.value === 'number')) {
    const inner = traversal(expr.object);
    return inner && [...inner, String(expr.key.value)];
  }
  return undefined;
}

export function bodyReferences(body: Body, out: Reference[] = []): Reference[] {
  for (const a of body.attributes) references(a.expr, out);
  for (const b of body.blocks) bodyReferences(b.body, out);
  return out;
}
