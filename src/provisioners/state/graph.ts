import { REQUISITES, type ReverseRequisite } from './parse.js';
import type { RequisiteKind, StateDecl, StateRef } from './types.js';

/** Each state's requisites, resolved to the keys of the states they name. */
export type Deps = Record<RequisiteKind, string[]>;

const describe = (r: StateRef) => (r.module ? `${r.module}: ${r.id}` : r.id);

function matches(decls: StateDecl[], ref: StateRef): StateDecl[] {
  return decls.filter((d) => (d.id === ref.id || d.args.name === ref.id) && (!ref.module || d.module === ref.module));
}

/**
 * Resolves requisites and orders the states: declaration order, except that a state's requisites
 * are pulled in just before it (a stable topological order).
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

  // As Salt does: walk the states in declaration order and run a state's requisites just before it.
  const byKey = new Map(decls.map((d) => [d.key, d]));
  const before = (key: string) => REQUISITES.flatMap((k) => deps.get(key)![k]).sort((a, b) => byKey.get(a)!.index - byKey.get(b)!.index);
  const done = new Set<string>();
  const order: StateDecl[] = [];
  const visit = (d: StateDecl, path: StateDecl[]): boolean => {
    if (done.has(d.key)) return true;
    const at = path.indexOf(d);
    if (at >= 0) {
      const cycle = [...path.slice(at), d];
      errors.push(`${cycle[0].where}: requisite cycle: ${cycle.map((c) => c.id).join(' → ')}`);
      return false;
    }
    for (const k of before(d.key)) if (!visit(byKey.get(k)!, [...path, d])) return false;
    done.add(d.key);
    order.push(d);
    return true;
  };
  for (const d of decls) if (!visit(d, [])) break;
  return { order, deps, errors };
}
