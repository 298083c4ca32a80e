import { didYouMean } from './suggest.js';
import type { RequisiteKind, StateDecl, StateRef } from './types.js';

export const REQUISITES: readonly RequisiteKind[] = ['require', 'watch', 'onchanges', 'onfail'];

/** `x_in` on state A means "x" on the states it names, pointing back at A. */
export interface ReverseRequisite {
  from: StateDecl;
  kind: RequisiteKind;
  targets: StateRef[];
}

export interface Parsed {
  decls: StateDecl[];
  reverse: ReverseRequisite[];
  errors: string[];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Salt's YAML lists of one-key maps (`- name: x`) become one map. */
function argMap(value: unknown): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return {};
  if (isMap(value)) return { ...value };
  if (Array.isArray(value) && value.every(isMap)) return Object.assign({}, ...value);
  return undefined;
}

function refs(value: unknown): StateRef[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  const out: StateRef[] = [];
  for (const item of list) {
    if (typeof item === 'string' && item) out.push({ id: item });
    else if (isMap(item) && Object.keys(item).length === 1) {
      const [module, id] = Object.entries(item)[0];
      if (typeof id !== 'string') return undefined;
      out.push({ module, id });
    } else return undefined;
  }
  return out;
}

/**
 * Reads `{ id: { "module.function": args } }` (also Salt's `{ id: { module: [function, {arg}...] } }`).
 * Collects every problem rather than stopping at the first; `where(id)` names the state in messages.
 */
export function parseStates(raw: unknown, where: (id: string) => string, known: readonly string[], startIndex = 0): Parsed {
  const out: Parsed = { decls: [], reverse: [], errors: [] };
  if (!isMap(raw)) {
    out.errors.push(`${where('').replace(/[.:]\s*$/, '')}: must be a map of state id to { "<module>.<function>": arguments }`);
    return out;
  }
  let index = startIndex;
  for (const [id, body] of Object.entries(raw)) {
    const at = where(id);
    if (!isMap(body) || Object.keys(body).length === 0) {
      out.errors.push(`${at}: must be a map of "<module>.<function>" to arguments`);
      continue;
    }
    const modules = new Set<string>();
    for (const [key, value] of Object.entries(body)) {
      let fn = key;
      let rawArgs: unknown = value;
      if (!key.includes('.') && Array.isArray(value) && typeof value[0] === 'string') {
        fn = `${key}.${value[0]}`;
        rawArgs = value.slice(1);
      }
      if (!known.includes(fn)) {
        out.errors.push(`${at}: unknown function "${fn}"${didYouMean(fn, known)}`);
        continue;
      }
      const module = fn.split('.')[0];
      if (modules.has(module)) {
        out.errors.push(`${at}: declares module "${module}" twice; use another state id`);
        continue;
      }
      modules.add(module);
      const args = argMap(rawArgs);
      if (!args) {
        out.errors.push(`${at}: ${fn}: arguments must be a map`);
        continue;
      }
      const decl: StateDecl = {
        key: `${module}:${id}`,
        id,
        fn,
        module,
        args,
        requisites: { require: [], watch: [], onchanges: [], onfail: [] },
        index: index++,
        where: at,
      };
      for (const kind of REQUISITES) {
        for (const [argName, reverse] of [[kind, false], [`${kind}_in`, true]] as const) {
          if (!(argName in args)) continue;
          const r = refs(args[argName]);
          delete args[argName];
          if (!r) {
            out.errors.push(`${at}: ${argName}: must be a state id, a { module: id } map, or a list of them`);
            continue;
          }
          if (reverse) out.reverse.push({ from: decl, kind, targets: r });
          else decl.requisites[kind].push(...r);
        }
      }
      out.decls.push(decl);
    }
  }
  return out;
}
