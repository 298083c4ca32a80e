import { didYouMean } from '../load/did-you-mean.js';
import type { Expr, TemplatePart } from './ast.js';
import { HclError } from './diagnostics.js';
import { FunctionError, type FunctionTable } from './function-types.js';
import type { Range } from './range.js';
import { ConversionError, convert, parseType } from './types.js';
import { containsUnknown, equal, isObjectValue, isUnknown, numberText, sortedKeys, typeName, UNKNOWN } from './values.js';

/** What an expression is evaluated with: its names (var, local, data, path …) and functions. */
export interface EvalContext {
  variables: Record<string, unknown>;
  functions: FunctionTable;
  /** For messages: what the root names are, e.g. "var", "local"; a missing one gets did-you-mean. */
  splatItem?: unknown;
  /** Inside templatefile(): `var` is then only a name the call's object gives, not the template's variables. */
  templateFile?: string;
}

export function evaluate(expr: Expr, ctx: EvalContext): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'parens':
      return evaluate(expr.expr, ctx);
    case 'wrap':
      return evaluate(expr.expr, ctx);
    case 'template':
      return renderParts(expr.parts, ctx);
    case 'variable': {
      if (!Object.hasOwn(ctx.variables, expr.name)) {
        throw new HclError(expr.range, `unknown name "${expr.name}"${didYouMean(expr.name, Object.keys(ctx.variables))}; names here: ${Object.keys(ctx.variables).sort().join(', ')}`);
      }
      return ctx.variables[expr.name];
    }
    case 'splatItem':
      return ctx.splatItem;
    case 'attr':
      return getAttr(evaluate(expr.object, ctx), expr.name, expr, ctx);
    case 'index':
      return index(evaluate(expr.object, ctx), evaluate(expr.key, ctx), expr.range);
    case 'splat': {
      let source = evaluate(expr.source, ctx);
      if (isUnknown(source)) return UNKNOWN;
      if (source === null) return [];
      if (!Array.isArray(source)) source = [source];
      return (source as unknown[]).map((item) => evaluate(expr.each, { ...ctx, splatItem: item }));
    }
    case 'call':
      return call(expr, ctx);
    case 'tuple':
      return expr.items.map((e) => evaluate(e, ctx));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const item of expr.items) {
        const key = item.keyIsIdent && item.key.kind === 'variable' ? item.key.name : evaluate(item.key, ctx);
        const value = evaluate(item.value, ctx);
        if (isUnknown(key)) return UNKNOWN;
        if (key === null) throw new HclError(item.key.range, 'an object key must not be null');
        out[toText(key, item.key.range, 'an object key')] = value;
      }
      return out;
    }
    case 'unary': {
      const v = evaluate(expr.operand, ctx);
      if (isUnknown(v)) return UNKNOWN;
      if (expr.op === '!') return !asBool(v, expr.operand.range, 'the operand of "!"');
      return -asNumber(v, expr.operand.range, 'the operand of "-"');
    }
    case 'binary':
      return binary(expr.op, expr.left, expr.right, ctx, expr.range);
    case 'conditional': {
      const cond = evaluate(expr.cond, ctx);
      if (isUnknown(cond)) return UNKNOWN;
      if (cond === null) throw new HclError(expr.cond.range, 'the condition of a conditional is null');
      return asBool(cond, expr.cond.range, 'the condition') ? evaluate(expr.then, ctx) : evaluate(expr.else, ctx);
    }
    case 'for':
      return forExpr(expr, ctx);
  }
}

function getAttr(object: unknown, name: string, expr: Extract<Expr, { kind: 'attr' }>, ctx: EvalContext): unknown {
  if (isUnknown(object)) return UNKNOWN;
  if (object === null) throw new HclError(expr.range, `cannot read "${name}": the value is null`);
  if (Array.isArray(object) && /^\d+$/.test(name)) return index(object, Number(name), expr.range);
  if (!isObjectValue(object)) throw new HclError(expr.range, `cannot read "${name}": a ${typeName(object)} has no attributes`);
  if (Object.hasOwn(object, name)) return object[name];
  const root = expr.object.kind === 'variable' && expr.object.name !== '' ? expr.object.name : undefined;
  const hint = didYouMean(name, Object.keys(object));
  if (ctx.templateFile && expr.object.kind === 'variable') throw new HclError(expr.range, `"${expr.object.name}" has no attribute "${name}"${hint}: the template sees only what templatefile()'s second argument gives it`);
  if (root === 'var' && ctx.variables.var === object) throw new HclError(expr.range, `variable "${name}" is not declared${hint}; declare it in a variable "${name}" block`);
  if (root === 'local' && ctx.variables.local === object) throw new HclError(expr.range, `local "${name}" is not declared${hint}`);
  throw new HclError(expr.range, `this object has no attribute "${name}"${hint}`);
}

function index(object: unknown, key: unknown, range: Range): unknown {
  if (isUnknown(object) || isUnknown(key)) return UNKNOWN;
  if (object === null) throw new HclError(range, 'cannot index a null value');
  if (Array.isArray(object)) {
    const n = typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new HclError(range, `a list index must be a whole number, got ${typeName(key)}`);
    if (n < 0 || n >= object.length) throw new HclError(range, `index ${n} is out of range for a list of ${object.length} elements`);
    return object[n];
  }
  if (isObjectValue(object)) {
    const k = typeof key === 'number' ? numberText(key) : key;
    if (typeof k !== 'string') throw new HclError(range, `a map key must be a string, got ${typeName(key)}`);
    if (!Object.hasOwn(object, k)) throw new HclError(range, `the map has no element for the key ${JSON.stringify(k)}${didYouMean(k, Object.keys(object))}`);
    return object[k];
  }
  throw new HclError(range, `a ${typeName(object)} cannot be indexed`);
}

function binary(op: string, leftExpr: Expr, rightExpr: Expr, ctx: EvalContext, range: Range): unknown {
  const left = evaluate(leftExpr, ctx);
  const right = evaluate(rightExpr, ctx);
  if (op === '==' || op === '!=') {
    if (containsUnknown(left) || containsUnknown(right)) return UNKNOWN;
    return op === '==' ? equal(left, right) : !equal(left, right);
  }
  if (isUnknown(left) || isUnknown(right)) return UNKNOWN;
  if (op === '&&' || op === '||') {
    const a = asBool(left, leftExpr.range, `the left operand of "${op}"`);
    const b = asBool(right, rightExpr.range, `the right operand of "${op}"`);
    return op === '&&' ? a && b : a || b;
  }
  const a = asNumber(left, leftExpr.range, `the left operand of "${op}"`);
  const b = asNumber(right, rightExpr.range, `the right operand of "${op}"`);
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
      if (b === 0) throw new HclError(range, 'division by zero');
      return a / b;
    case '%':
      if (b === 0) throw new HclError(range, 'modulo by zero');
      return a % b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
  throw new HclError(range, `unknown operator ${op}`);
}

function asBool(v: unknown, range: Range, what: string): boolean {
  try {
    const b = convert(v, { kind: 'bool' });
    if (b === null) throw new ConversionError('', 'bool required, got null');
    return b as boolean;
  } catch (err) {
    if (err instanceof ConversionError) throw new HclError(range, `${what}: ${err.why}`);
    throw err;
  }
}

function asNumber(v: unknown, range: Range, what: string): number {
  try {
    const n = convert(v, { kind: 'number' });
    if (n === null) throw new ConversionError('', 'number required, got null');
    return n as number;
  } catch (err) {
    if (err instanceof ConversionError) throw new HclError(range, `${what}: ${err.why}`);
    throw err;
  }
}

/** A value inside a string template, or an object key: only strings, numbers and bools. */
function toText(v: unknown, range: Range, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return String(v);
  if (v === null) throw new HclError(range, `${what} is null; a string template cannot include null`);
  throw new HclError(range, `${what} is a ${typeName(v)}; only strings, numbers and bools can be included in a string (jsonencode() or join() turn a ${typeName(v)} into one)`);
}

function renderParts(parts: TemplatePart[], ctx: EvalContext): unknown {
  let out = '';
  let unknown = false;
  for (const part of parts) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'interp') {
      const v = evaluate(part.expr, ctx);
      if (isUnknown(v)) unknown = true;
      else out += toText(v, part.expr.range, 'the interpolated value');
    } else if (part.kind === 'if') {
      const cond = evaluate(part.cond, ctx);
      if (isUnknown(cond)) {
        unknown = true;
        continue;
      }
      const branch = asBool(cond, part.cond.range, 'the %{ if } condition') ? part.then : (part.else ?? []);
      const v = renderParts(branch, ctx);
      if (isUnknown(v)) unknown = true;
      else out += v as string;
    } else {
      const coll = evaluate(part.collection, ctx);
      if (isUnknown(coll)) {
        unknown = true;
        continue;
      }
      for (const [k, v] of entries(coll, part.collection.range)) {
        const vars = { ...ctx.variables, [part.valueVar]: v, ...(part.keyVar ? { [part.keyVar]: k } : {}) };
        const r = renderParts(part.body, { ...ctx, variables: vars });
        if (isUnknown(r)) unknown = true;
        else out += r as string;
      }
    }
  }
  return unknown ? UNKNOWN : out;
}

/** The keys and values a for-expression iterates: indexes of a list, keys of an object in lexical order. */
function entries(coll: unknown, range: Range): [unknown, unknown][] {
  if (Array.isArray(coll)) return coll.map((v, i) => [i, v]);
  if (isObjectValue(coll)) return sortedKeys(coll).map((k) => [k, coll[k]]);
  if (coll === null) throw new HclError(range, 'cannot iterate over null');
  throw new HclError(range, `cannot iterate over a ${typeName(coll)}; a for expression needs a list, set, map or object`);
}

function forExpr(expr: Extract<Expr, { kind: 'for' }>, ctx: EvalContext): unknown {
  const coll = evaluate(expr.collection, ctx);
  if (isUnknown(coll)) return UNKNOWN;
  const results: [unknown, unknown][] = [];
  for (const [k, v] of entries(coll, expr.collection.range)) {
    const vars = { ...ctx.variables, [expr.valueVar]: v, ...(expr.keyVar ? { [expr.keyVar]: k } : {}) };
    const inner = { ...ctx, variables: vars };
    if (expr.cond) {
      const keep = evaluate(expr.cond, inner);
      if (isUnknown(keep)) return UNKNOWN;
      if (!asBool(keep, expr.cond.range, 'the "if" condition')) continue;
    }
    results.push([expr.key ? evaluate(expr.key, inner) : undefined, evaluate(expr.value, inner)]);
  }
  if (!expr.key) return results.map(([, v]) => v);
  const out: Record<string, unknown> = {};
  for (const [k, v] of results) {
    if (isUnknown(k)) return UNKNOWN;
    const key = toText(k, expr.key.range, 'the key');
    if (expr.group) (out[key] ??= [] as unknown[]) && (out[key] as unknown[]).push(v);
    else if (Object.hasOwn(out, key)) throw new HclError(expr.key.range, `duplicate key ${JSON.stringify(key)} in the for expression; add "..." after the value to group values by key`);
    else out[key] = v;
  }
  return out;
}

function call(expr: Extract<Expr, { kind: 'call' }>, ctx: EvalContext): unknown {
  if (expr.name === 'try') {
    if (expr.args.length === 0) throw new HclError(expr.range, 'try() needs at least one argument');
    const reasons: string[] = [];
    for (const arg of expr.args) {
      try {
        const v = evaluate(arg, ctx);
        return containsUnknown(v) ? UNKNOWN : v;
      } catch (err) {
        if (!(err instanceof HclError)) throw err;
        reasons.push(err.problem);
      }
    }
    throw new HclError(expr.range, `no expression given to try() succeeded: ${reasons.join('; ')}`);
  }
  if (expr.name === 'can') {
    if (expr.args.length !== 1) throw new HclError(expr.range, 'can() takes exactly one argument');
    try {
      return containsUnknown(evaluate(expr.args[0], ctx)) ? UNKNOWN : true;
    } catch (err) {
      if (!(err instanceof HclError)) throw err;
      return false;
    }
  }
  if (expr.name === 'convert') {
    if (expr.args.length !== 2) throw new HclError(expr.range, 'convert() takes a value and a type: convert(x, list(string))');
    const value = evaluate(expr.args[0], ctx);
    if (containsUnknown(value)) return UNKNOWN;
    try {
      return convert(value, parseType(expr.args[1]));
    } catch (err) {
      if (err instanceof ConversionError) throw new HclError(expr.args[0].range, `convert(): ${err.message}`);
      throw err;
    }
  }
  const fn = ctx.functions.get(expr.name);
  if (!fn) throw ctx.functions.missing(expr.name, expr.nameRange);
  let args = expr.args.map((a) => evaluate(a, ctx));
  if (expr.expandFinal) {
    const last = args.pop();
    if (isUnknown(last)) return UNKNOWN;
    if (!Array.isArray(last)) throw new HclError(expr.args[expr.args.length - 1].range, `the argument expanded with "..." must be a list, got ${typeName(last)}`);
    args = [...args, ...last];
  }
  const [min, max] = fn.arity;
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new HclError(expr.range, `${expr.name}() takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length}`);
  }
  if (!fn.acceptsUnknown && args.some(containsUnknown)) return UNKNOWN;
  try {
    return fn.call(args);
  } catch (err) {
    if (err instanceof FunctionError) {
      const at = err.arg !== undefined && expr.args[err.arg] ? expr.args[err.arg].range : expr.range;
      throw new HclError(at, `${expr.name}(): ${err.message}`);
    }
    if (err instanceof ConversionError) throw new HclError(expr.range, `${expr.name}(): ${err.message}`);
    // An error inside the file templatefile() renders also names the call, as HCL does: which template used it.
    if (err instanceof HclError && err.range && err.range.file !== expr.range.file) {
      const { file, start } = expr.range;
      throw new HclError(err.range, `${err.problem} (in the template ${expr.name}() renders at ${file}:${start.line}:${start.col})`);
    }
    throw err;
  }
}
