import { REQUISITES, type ReverseRequisite } from './parse.js';
import type { RequisiteKind, StateDecl, StateRef } from './types.js';

/** Each state's requisites, resolved to the keys of the states they name. */
export type Deps = Record<RequisiteKind, string[]>;

const describe = (r: StateRef) => (r.module ? `${r.module}: ${r.id}` : r.id);

function matches(decls: StateDecl[], ref: StateRef): StateDecl[] {
  return decls.filter((d) => (d.id === ref.id || d.args.name === ref.id) && (!ref.module || d.module === ref.module));
}

/**
 * Resolves requisites and orders the states: a state runs after everything it requires, and
 * otherwise in declaration order (the lowest index among the ready states goes first).
 */
export function orderStates(decls: StateDecl[], reverse: ReverseRequisite[]): { order: StateDecl[]; deps: Map<string, Deps>; errors: string[] } {
  const errors: string[] = [];
  const deps = new Map<string, Deps>(decls.map((d) => [d.key, { require: [], watch: [], onchanges: [], onfail: [] }]));
  const add = (d: StateDecl, kind: RequisiteKind, target: StateDecl) => {
    const list = deps.get(d.key)![kind];
    if (!list.includes(target.key)) list.push(target.key);
  };
  for (const d of decls) {
    for (const kind of REQUISITES) {
      for (const ref of d.requisites[kind]) {
        const found = matches(decls, ref);
        if (found.length === 0) errors.push(`${d.where}: ${kind} refers to unknown state "${describe(ref)}"`);
        for (const t of found) {
          if (t.key === d.key) errors.push(`${d.where}: ${kind} refers to itself`);
          else add(d, kind, t);
        }
      }
    }
  }
  for (const r of reverse) {
    for (const ref of r.targets) {
      const found = matches(decls, ref);
      if (found.length === 0) errors.push(`${r.from.where}: ${r.kind}_in refers to unknown state "${describe(ref)}"`);
      for (const t of found) if (t.key !== r.from.key) add(t, r.kind, r.from);
    }
  }
  if (errors.length) return { order: [], deps, errors };

  const before = (key: string) => REQUISITES.flatMap((k) => deps.get(key)![k]);
  const done = new Set<string>();
  const order: StateDecl[] = [];
  while (order.length < decls.length) {
    const next = decls.find((d) => !done.has(d.key) && before(d.key).every((k) => done.has(k)));
    if (!next) {
      errors.push(cycleMessage(decls.filter((d) => !done.has(d.key)), before));
      break;
    }
    done.add(next.key);
    order.push(next);
  }
  return { order, deps, errors };
}

function cycleMessage(left: StateDecl[], before: (key: string) => string[]): string {
  const byKey = new Map(left.map((d) => [d.key, d]));
  // Every remaining state waits on another remaining one, so walking "waits on" must revisit one.
  const path: StateDecl[] = [];
  let cur = left[0];
  while (!path.includes(cur)) {
    path.push(cur);
    cur = byKey.get(before(cur.key).find((k) => byKey.has(k))!)!;
  }
  const cycle = [...path.slice(path.indexOf(cur)), cur];
  return `${cycle[0].where}: requisite cycle: ${cycle.map((d) => d.id).join(' → ')}`;
}
