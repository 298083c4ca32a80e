import type { DataSourcePlugin } from '../../../datasources/types.js';
import { validatorFor } from '../../load/ajv.js';
import { formatAjvErrors } from '../../load/format-errors.js';
import type { Block } from '../ast.js';
import { BakeError, errorText, isAbort } from '../../../core/errors.js';
import { formatDiagnostic, HclError, type Diagnostics } from '../diagnostics.js';
import { evaluate, type EvalContext } from '../evaluate.js';
import type { Range } from '../range.js';
import { UNKNOWN } from '../values.js';
import type { LocalDecl } from './blocks.js';
import { placeError } from './error-map.js';
import { BodyErrors, evaluateBody, type RangeMap } from './plugin-body.js';
import { bodyReferences, references, type Reference } from './references.js';
import { leafStrings } from './variables.js';

export interface LocalsAndDataInput {
  locals: Map<string, LocalDecl>;
  data: Map<string, Block>;
  dataSources: ReadonlyMap<string, DataSourcePlugin>;
  /** validate and inspect: data sources are not read, their outputs are unknown. */
  readData: boolean;
  signal: AbortSignal;
  templateDir: string;
  /** The context with var, path and packer set; local and data are filled in here. */
  ctx: EvalContext;
  sensitiveValues: string[];
}

type Node = { key: string; range: Range; deps: Reference[] } & ({ kind: 'local'; decl: LocalDecl } | { kind: 'data'; block: Block });

/**
 * Locals and data sources as one dependency graph, as Packer evaluates them: each after what it
 * uses, whatever the file order; a cycle is reported with its chain. A failed one becomes
 * unknown, so what uses it is checked without repeating its error.
 */
export async function evaluateLocalsAndData(input: LocalsAndDataInput, diags: Diagnostics): Promise<void> {
  const nodes = new Map<string, Node>();
  for (const [name, decl] of input.locals) nodes.set(`local.${name}`, { key: `local.${name}`, range: decl.range, deps: references(decl.expr), kind: 'local', decl });
  for (const [key, block] of input.data) nodes.set(`data.${key}`, { key: `data.${key}`, range: block.range, deps: bodyReferences(block.body), kind: 'data', block });
  const local: Record<string, unknown> = {};
  const data: Record<string, Record<string, unknown>> = {};
  input.ctx.variables.local = local;
  input.ctx.variables.data = data;

  const order: Node[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const cyclic = new Set<string>();
  const visit = (node: Node, chain: string[]) => {
    const s = state.get(node.key);
    if (s === 'done') return;
    if (s === 'visiting') {
      const loop = [...chain.slice(chain.indexOf(node.key)), node.key];
      loop.forEach((k) => cyclic.add(k));
      diags.error(node.range, `${node.key} depends on itself: ${loop.join(' → ')}`);
      return;
    }
    state.set(node.key, 'visiting');
    for (const dep of node.deps) {
      const target = nodes.get(dep.key);
      if (target) visit(target, [...chain, node.key]);
    }
    state.set(node.key, 'done');
    order.push(node);
  };
  for (const node of nodes.values()) visit(node, []);

  for (const node of order) {
    if (cyclic.has(node.key)) {
      setValue(node, UNKNOWN);
      continue;
    }
    try {
      if (node.kind === 'local') {
        const value = evaluate(node.decl.expr, input.ctx);
        setValue(node, value);
        if (node.decl.sensitive && evaluate(node.decl.sensitive, input.ctx) === true) leafStrings(value, input.sensitiveValues);
      } else setValue(node, await readDataSource(node.block, input, diags));
    } catch (err) {
      setValue(node, UNKNOWN);
      if (err instanceof BodyErrors) err.errors.forEach((e) => diags.catch(e));
      else diags.catch(err);
    }
  }

  function setValue(node: Node, value: unknown) {
    if (node.kind === 'local') local[node.decl.name] = value;
    else {
      const [type, name] = [node.block.labels[0], node.block.labels[1]];
      (data[type] ??= {})[name] = value;
    }
  }
}

async function readDataSource(block: Block, input: LocalsAndDataInput, diags: Diagnostics): Promise<unknown> {
  const [type, name] = block.labels;
  const plugin = input.dataSources.get(type);
  if (!plugin) {
    const known = [...input.dataSources.keys()].sort().join(', ');
    throw new HclError(block.range, `data source type "${type}" is not supported by bake (bake's data sources: ${known})`);
  }
  const ranges: RangeMap = new Map();
  const path = `data.${type}.${name}`;
  const config = evaluateBody(block.body, input.ctx, plugin.schema, path, ranges);
  const validate = validatorFor(plugin.schema);
  const checked = structuredClone(config);
  if (!validate(checked)) {
    for (const line of formatAjvErrors('<data>', path, validate.errors ?? [])) diags.error(undefined, placeError(line, '<data>', ranges));
    return UNKNOWN;
  }
  const unknownOutputs = Object.fromEntries(plugin.outputs.map((o) => [o, UNKNOWN]));
  if (!input.readData || JSON.stringify(checked).includes('__bake_unknown__')) return unknownOutputs;
  try {
    const out = await plugin.read(checked, { signal: input.signal, templateDir: input.templateDir });
    // A secret a data source read (a Secrets Manager value) is redacted everywhere, as a sensitive variable is.
    for (const key of plugin.sensitiveOutputs ?? []) leafStrings(out[key], input.sensitiveValues);
    return out;
  } catch (err) {
    if (isAbort(err)) throw err;
    // A read that fails is a run-time failure (exit 1), not a template error; it stops the run at once.
    throw new BakeError(formatDiagnostic(block.range, `data "${type}" "${name}": ${errorText(err)}`), { cause: err });
  }
}
