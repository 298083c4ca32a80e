import { ErrorList, errorText } from '../../core/errors.js';
import type { PlannedState } from './engine.js';
import { orderStates } from './graph.js';
import type { StateSource } from './load.js';
import { FUNCTION_NAMES, FUNCTIONS } from './modules/catalog.js';
import { parseStates, type ReverseRequisite } from './parse.js';
import type { StateDecl } from './types.js';
import { validateArgs } from './validate-args.js';

interface Checked {
  decls: StateDecl[];
  baseDirs: Map<string, string>;
  order: StateDecl[];
  deps: ReturnType<typeof orderStates>['deps'];
  errors: string[];
}

/** Parses every source, validates arguments and orders the states; no I/O, so `bake validate` can run it. */
export function checkStates(sources: StateSource[]): Checked {
  const errors: string[] = [];
  const decls: StateDecl[] = [];
  const baseDirs = new Map<string, string>();
  const seen = new Map<string, StateDecl>();
  const reverse: ReverseRequisite[] = [];
  for (const src of sources) {
    const parsed = parseStates(src.raw, (id) => `${src.prefix}${id}`, FUNCTION_NAMES, decls.length);
    errors.push(...parsed.errors);
    for (const d of parsed.decls) {
      const first = seen.get(d.key);
      if (first) {
        errors.push(`${d.where}: state id "${d.id}" with module ${d.module} is also declared at ${first.where}`);
        continue;
      }
      seen.set(d.key, d);
      const fn = FUNCTIONS.get(d.fn)!;
      d.args.name ??= d.id;
      for (const m of validateArgs(fn, d.args)) errors.push(`${d.where}: ${d.fn}: ${m}`);
      decls.push(d);
      baseDirs.set(d.key, src.baseDir);
    }
    reverse.push(...parsed.reverse.filter((r) => decls.includes(r.from)));
  }
  const graph = orderStates(decls, reverse);
  errors.push(...graph.errors);
  return { decls, baseDirs, order: graph.order, deps: graph.deps, errors };
}

/** Checks the states and does each function's controller-side preparation (e.g. reading `source` files). */
export async function planStates(sources: StateSource[], vars: Record<string, string>): Promise<PlannedState[]> {
  const checked = checkStates(sources);
  if (checked.errors.length) throw new ErrorList(checked.errors);
  const errors: string[] = [];
  const plan: PlannedState[] = [];
  for (const decl of checked.order) {
    const fn = FUNCTIONS.get(decl.fn)!;
    try {
      const prepared = fn.prepare ? await fn.prepare(decl.args, { baseDir: checked.baseDirs.get(decl.key)!, vars }) : undefined;
      plan.push({ decl, fn, args: decl.args, prepared, deps: checked.deps.get(decl.key)! });
    } catch (err) {
      errors.push(`${decl.where}: ${decl.fn}: ${errorText(err)}`);
    }
  }
  if (errors.length) throw new ErrorList(errors);
  return plan;
}
