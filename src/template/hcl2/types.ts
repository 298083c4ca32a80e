import type { Expr } from './ast.js';
import { HclError } from './diagnostics.js';
import { isObjectValue, isUnknown, numberText, typeName, UNKNOWN } from './values.js';

/** A type constraint (`string`, `list(number)`, `object({a = optional(string, "x")})` …). */
export type Type =
  | { kind: 'string' | 'number' | 'bool' | 'any' }
  | { kind: 'list' | 'set' | 'map'; elem: Type }
  | { kind: 'tuple'; elems: Type[] }
  | { kind: 'object'; attrs: Record<string, { type: Type; optional: boolean; default?: unknown }> };

export const ANY: Type = { kind: 'any' };

/** Reads a type constraint expression, as a variable's `type` argument is written. */
export function parseType(expr: Expr, evalDefault: (e: Expr) => unknown = () => undefined, inObject = false): Type & { optional?: boolean; default?: unknown } {
  if (expr.kind === 'variable') {
    if (['string', 'number', 'bool', 'any'].includes(expr.name)) return { kind: expr.name as 'string' };
    throw new HclError(expr.range, `unknown type "${expr.name}"; types are string, number, bool, any, list(…), set(…), map(…), tuple([…]), object({…})`);
  }
  if (expr.kind === 'call') {
    const arg = (n: number) => {
      if (expr.args.length !== n) throw new HclError(expr.range, `${expr.name}(…) takes ${n} argument${n === 1 ? '' : 's'}`);
      return expr.args[0];
    };
    switch (expr.name) {
      case 'list':
      case 'set':
      case 'map':
        return { kind: expr.name, elem: parseType(arg(1), evalDefault) };
      case 'tuple': {
        const list = arg(1);
        if (list.kind !== 'tuple') throw new HclError(list.range, 'tuple(…) takes a list of types: tuple([string, number])');
        return { kind: 'tuple', elems: list.items.map((e) => parseType(e, evalDefault)) };
      }
      case 'object': {
        const obj = arg(1);
        if (obj.kind !== 'object') throw new HclError(obj.range, 'object(…) takes an object of types: object({name = string})');
        const attrs: Record<string, { type: Type; optional: boolean; default?: unknown }> = {};
        for (const item of obj.items) {
          if (item.key.kind !== 'variable' && !(item.key.kind === 'template' && item.key.parts.every((p) => p.kind === 'text'))) {
            throw new HclError(item.key.range, 'an attribute name of object(…) must be a name');
          }
          const name = item.key.kind === 'variable' ? item.key.name : item.key.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
          const t = parseType(item.value, evalDefault, true);
          attrs[name] = { type: t, optional: t.optional === true, default: t.default };
        }
        return { kind: 'object', attrs };
      }
      case 'optional': {
        if (!inObject) throw new HclError(expr.range, 'optional(…) is only allowed for an attribute of object(…)');
        if (expr.args.length < 1 || expr.args.length > 2) throw new HclError(expr.range, 'optional(type) or optional(type, default)');
        const t = parseType(expr.args[0], evalDefault);
        return { ...t, optional: true, default: expr.args.length === 2 ? evalDefault(expr.args[1]) : undefined };
      }
    }
    throw new HclError(expr.nameRange, `unknown type constructor "${expr.name}"`);
  }
  throw new HclError(expr.range, 'expected a type: string, number, bool, any, list(…), set(…), map(…), tuple([…]), object({…})');
}

export function typeText(t: Type): string {
  switch (t.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind}(${typeText(t.elem)})`;
    case 'tuple':
      return `tuple([${t.elems.map(typeText).join(', ')}])`;
    case 'object':
      return `object({${Object.entries(t.attrs).map(([k, a]) => `${k} = ${a.optional ? `optional(${typeText(a.type)})` : typeText(a.type)}`).join(', ')}})`;
    default:
      return t.kind;
  }
}

/** A conversion that failed: `path` is where inside the value, e.g. "[2].name". */
export class ConversionError extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`${path ? `${path}: ` : ''}${why}`);
  }
}

/** Converts a value to a type as cty's convert does (numbers and bools to and from strings, tuples to lists…). */
export function convert(value: unknown, type: Type, path = ''): unknown {
  if (value === null || isUnknown(value) || type.kind === 'any') return value;
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return numberText(value);
      if (typeof value === 'boolean') return String(value);
      throw new ConversionError(path, `string required, got ${typeName(value)}`);
    case 'number':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) return Number(value);
      throw new ConversionError(path, `number required, got ${typeof value === 'string' ? JSON.stringify(value) : typeName(value)}`);
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new ConversionError(path, `bool required, got ${typeof value === 'string' ? JSON.stringify(value) : typeName(value)}`);
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) throw new ConversionError(path, `${type.kind} of ${typeText(type.elem)} required, got ${typeName(value)}`);
      const items = value.map((v, i) => convert(v, type.elem, `${path}[${i}]`));
      if (type.kind === 'list') return items;
      const seen = new Set<string>();
      return setOrder(
        items.filter((v) => {
          const k = JSON.stringify(v);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        }),
      );
    }
    case 'map': {
      if (!isObjectValue(value)) throw new ConversionError(path, `map of ${typeText(type.elem)} required, got ${typeName(value)}`);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, type.elem, `${path}[${JSON.stringify(k)}]`)]));
    }
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== type.elems.length) {
        throw new ConversionError(path, `tuple of ${type.elems.length} elements required, got ${Array.isArray(value) ? `${value.length} elements` : typeName(value)}`);
      }
      return value.map((v, i) => convert(v, type.elems[i], `${path}[${i}]`));
    }
    case 'object': {
      if (!isObjectValue(value)) throw new ConversionError(path, `object required, got ${typeName(value)}`);
      const out: Record<string, unknown> = {};
      for (const [k, a] of Object.entries(type.attrs)) {
        if (!Object.hasOwn(value, k) || value[k] === null) {
          if (!a.optional && !Object.hasOwn(value, k)) throw new ConversionError(path, `attribute "${k}" is required`);
          out[k] = a.default !== undefined ? convert(a.default, a.type, `${path}.${k}`) : null;
          continue;
        }
        out[k] = convert(value[k], a.type, `${path}.${k}`);
      }
      return out;
    }
  }
  return UNKNOWN;
}

/**
 * cty keeps a set of strings in lexical order and a set of numbers in numeric order, so
 * `set(string)` of ["b", "a"] reads back as ["a", "b"] in Packer; other sets keep their order.
 */
export function setOrder(items: unknown[]): unknown[] {
  if (items.every((v) => typeof v === 'string')) return [...(items as string[])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (items.every((v) => typeof v === 'number')) return [...(items as number[])].sort((a, b) => a - b);
  return items;
}
