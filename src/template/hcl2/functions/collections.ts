import { FunctionError, type HclFunction } from '../function-types.js';
import { equal, isObjectValue, isUnknown, sortedKeys, typeName, UNKNOWN } from '../values.js';
import { list, num, obj, str } from './args.js';
import { setOrder } from '../types.js';

function unique(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.some((o) => equal(o, v))) out.push(v);
  return out;
}

function flattenDeep(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? flattenDeep(v) : [v]));
}

export const collectionFunctions: Record<string, HclFunction> = {
  length: {
    arity: [1, 1],
    call: (a) => {
      const v = a[0];
      if (typeof v === 'string') return [...v].length;
      if (Array.isArray(v)) return v.length;
      if (isObjectValue(v)) return Object.keys(v).length;
      throw new FunctionError(`argument must be a string, list or map, got ${typeName(v)}`, 0);
    },
  },
  concat: { arity: [0, Infinity], call: (a) => a.flatMap((_v, i) => list(a, i)) },
  merge: {
    arity: [0, Infinity],
    call: (a) => {
      const out: Record<string, unknown> = {};
      a.forEach((v, i) => {
        if (v !== null) Object.assign(out, obj(a, i));
      });
      return out;
    },
  },
  contains: { arity: [2, 2], call: (a) => list(a, 0).some((v) => equal(v, a[1])) },
  keys: { arity: [1, 1], call: (a) => sortedKeys(obj(a, 0)) },
  values: { arity: [1, 1], call: (a) => { const o = obj(a, 0); return sortedKeys(o).map((k) => o[k]); } },
  lookup: {
    arity: [2, 3],
    call: (a) => {
      const o = obj(a, 0);
      const k = str(a, 1);
      if (Object.hasOwn(o, k)) return o[k];
      if (a.length === 3) return a[2];
      throw new FunctionError(`the map has no key ${JSON.stringify(k)} and no default was given`, 1);
    },
  },
  element: {
    arity: [2, 2],
    call: (a) => {
      const l = list(a, 0);
      if (l.length === 0) throw new FunctionError('cannot use element() on an empty list', 0);
      const i = Math.trunc(num(a, 1));
      if (i < 0) throw new FunctionError('the index must not be negative', 1);
      return l[i % l.length];
    },
  },
  index: {
    arity: [2, 2],
    call: (a) => {
      const i = list(a, 0).findIndex((v) => equal(v, a[1]));
      if (i < 0) throw new FunctionError('the item was not found in the list', 1);
      return i;
    },
  },
  flatten: { arity: [1, 1], call: (a) => flattenDeep(list(a, 0)) },
  distinct: { arity: [1, 1], call: (a) => unique(list(a, 0)) },
  reverse: { arity: [1, 1], call: (a) => [...list(a, 0)].reverse() },
  sort: { arity: [1, 1], call: (a) => list(a, 0).map((_v, i, l) => str(l, i)).sort() },
  compact: { arity: [1, 1], call: (a) => list(a, 0).filter((v) => v !== null && v !== '') },
  slice: {
    arity: [3, 3],
    call: (a) => {
      const l = list(a, 0);
      const from = num(a, 1);
      const to = num(a, 2);
      if (from < 0 || to > l.length || from > to) throw new FunctionError(`indexes ${from}..${to} are out of range for a list of ${l.length}`, 1);
      return l.slice(from, to);
    },
  },
  zipmap: { arity: [2, 2], call: (a) => { const k = list(a, 0); const v = list(a, 1); if (k.length !== v.length) throw new FunctionError('the two lists must have the same length'); return Object.fromEntries(k.map((key, i) => [str(k, i), v[i]])); } },
  coalesce: {
    arity: [1, Infinity],
    acceptsUnknown: true,
    call: (a) => {
      for (const v of a) {
        if (isUnknown(v)) return UNKNOWN;
        if (v !== null && v !== '') return v;
      }
      throw new FunctionError('no non-null, non-empty argument');
    },
  },
  coalescelist: { arity: [1, Infinity], call: (a) => a.find((v) => Array.isArray(v) && v.length > 0) ?? [] },
  range: {
    arity: [1, 3],
    call: (a) => {
      const [start, end, step] = a.length === 1 ? [0, num(a, 0), 1] : [num(a, 0), num(a, 1), a.length === 3 ? num(a, 2) : 1];
      if (step === 0) throw new FunctionError('step must not be 0');
      const out: number[] = [];
      for (let i = start; step > 0 ? i < end : i > end; i += step) if (out.push(i) > 1024) throw new FunctionError('more than 1024 elements');
      return out;
    },
  },
  min: { arity: [1, Infinity], call: (a) => Math.min(...a.map((_v, i) => num(a, i))) },
  max: { arity: [1, Infinity], call: (a) => Math.max(...a.map((_v, i) => num(a, i))) },
  sum: { arity: [1, 1], call: (a) => list(a, 0).reduce((t: number, _v, i, l) => t + num(l, i), 0) },
  abs: { arity: [1, 1], call: (a) => Math.abs(num(a, 0)) },
  ceil: { arity: [1, 1], call: (a) => Math.ceil(num(a, 0)) },
  floor: { arity: [1, 1], call: (a) => Math.floor(num(a, 0)) },
  signum: { arity: [1, 1], call: (a) => Math.sign(num(a, 0)) },
  pow: { arity: [2, 2], call: (a) => num(a, 0) ** num(a, 1) },
  parseint: { arity: [2, 2], call: (a) => { const n = parseInt(str(a, 0), num(a, 1)); if (Number.isNaN(n)) throw new FunctionError('not a number in that base', 0); return n; } },
  alltrue: { arity: [1, 1], call: (a) => list(a, 0).every((v) => v === true || v === 'true') },
  anytrue: { arity: [1, 1], call: (a) => list(a, 0).some((v) => v === true || v === 'true') },
  setunion: { arity: [1, Infinity], call: (a) => setOrder(unique(a.flatMap((_v, i) => list(a, i)))) },
  setintersection: { arity: [1, Infinity], call: (a) => setOrder(unique(list(a, 0)).filter((v) => a.every((_l, i) => list(a, i).some((w) => equal(v, w))))) },
  chunklist: { arity: [2, 2], call: (a) => { const l = list(a, 0); const n = num(a, 1); if (n <= 0) return [l]; const out = []; for (let i = 0; i < l.length; i += n) out.push(l.slice(i, i + n)); return out; } },
};

