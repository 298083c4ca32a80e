import type { Block, Body } from '../ast.js';
import { HclError } from '../diagnostics.js';
import { evaluate, type EvalContext } from '../evaluate.js';
import type { Range } from '../range.js';
import { isObjectValue, isUnknown, sortedKeys, typeName } from '../values.js';

/**
 * Where each value of a plugin's config was written, by the JSON path the shared loader's
 * messages use (`source.qemu.base.ssh_port`, `…boot_command[2]`): its errors are then reported
 * at the HCL2 attribute's file:line:col.
 */
export type RangeMap = Map<string, Range>;

/**
 * An unknown value inside a plugin config (a data source's output during validate) becomes this
 * Go-template action: the shared loader then treats it as a variable without a value, leaves out
 * schema errors about it and checks the rest, exactly as for a JSON variable left unset.
 */
export const UNKNOWN_VARIABLE = '__bake_unknown__';
const UNKNOWN_ACTION = `{{user \`${UNKNOWN_VARIABLE}\`}}`;

type Schema = { type?: unknown; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: unknown; anyOf?: Schema[]; oneOf?: Schema[] };

/** The schema of a nested block: whether it is a list of blocks or one object. */
function shapeOf(schema: Schema | undefined): { list: boolean; schema?: Schema } {
  if (!schema) return { list: false };
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('array')) return { list: true, schema: schema.items };
  for (const alt of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const t = Array.isArray(alt.type) ? alt.type : [alt.type];
    if (t.includes('array')) return { list: true, schema: alt.items };
  }
  return { list: false, schema };
}

function propertySchema(schema: Schema | undefined, name: string): Schema | undefined {
  const p = schema?.properties?.[name];
  if (p) return p;
  return typeof schema?.additionalProperties === 'object' ? (schema.additionalProperties as Schema) : undefined;
}

/**
 * A plugin block's body as the config object the JSON reader would have produced: arguments
 * evaluated (null = not set), nested blocks as objects or lists as the plugin's schema says,
 * `dynamic` blocks expanded. `skip` names arguments the template layer handles itself.
 */
export function evaluateBody(body: Body, ctx: EvalContext, schema: object | undefined, path: string, ranges: RangeMap, skip: readonly string[] = []): Record<string, unknown> {
  const s = schema as Schema | undefined;
  const out: Record<string, unknown> = {};
  const errors: HclError[] = [];
  for (const attr of body.attributes) {
    if (skip.includes(attr.name)) continue;
    try {
      const value = evaluate(attr.expr, ctx);
      if (value === null) continue;
      out[attr.name] = placeholders(value);
      recordRanges(ranges, `${path}.${attr.name}`, attr.range, value);
    } catch (err) {
      if (!(err instanceof HclError)) throw err;
      errors.push(err);
    }
  }
  const blocks = expandDynamic(body.blocks, ctx, errors);
  for (const { block, ctx: blockCtx, unknown } of blocks) {
    if (skip.includes(block.type)) continue;
    const { list, schema: inner } = shapeOf(propertySchema(s, block.type));
    if (Object.hasOwn(out, block.type) && !Array.isArray(out[block.type]) && !list) {
      errors.push(new HclError(block.range, `only one "${block.type}" block is allowed here; it is already set at ${(ranges.get(`${path}.${block.type}`)?.start.line ?? '?')}`));
      continue;
    }
    if (block.labels.length > 0) {
      errors.push(new HclError(block.labelRanges[0], `a "${block.type}" block takes no labels`));
      continue;
    }
    const where = list ? `${path}.${block.type}[${Array.isArray(out[block.type]) ? (out[block.type] as unknown[]).length : 0}]` : `${path}.${block.type}`;
    let value: unknown;
    if (unknown) value = UNKNOWN_ACTION;
    else {
      try {
        value = evaluateBody(block.body, blockCtx, inner, where, ranges);
      } catch (err) {
        if (!(err instanceof HclError)) throw err;
        errors.push(err);
        continue;
      }
    }
    ranges.set(where, block.range);
    if (list) ((out[block.type] ??= []) as unknown[]).push(value);
    else out[block.type] = value;
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new BodyErrors(errors);
  return out;
}

/** Several errors in one body: each is reported. */
export class BodyErrors extends Error {
  constructor(readonly errors: HclError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** `dynamic "x" { for_each, iterator, content {} }` → one `x` block per element, with the iterator bound. */
function expandDynamic(blocks: Block[], ctx: EvalContext, errors: HclError[]): { block: Block; ctx: EvalContext; unknown?: boolean }[] {
  const out: { block: Block; ctx: EvalContext; unknown?: boolean }[] = [];
  for (const block of blocks) {
    if (block.type !== 'dynamic') {
      out.push({ block, ctx });
      continue;
    }
    const name = block.labels[0];
    if (block.labels.length !== 1) {
      errors.push(new HclError(block.range, 'a dynamic block takes one label: the type of the blocks it makes'));
      continue;
    }
    const forEach = block.body.attributes.find((a) => a.name === 'for_each');
    const content = block.body.blocks.filter((b) => b.type === 'content');
    if (!forEach || content.length !== 1) {
      errors.push(new HclError(block.range, 'a dynamic block needs a for_each argument and one content block'));
      continue;
    }
    const iteratorAttr = block.body.attributes.find((a) => a.name === 'iterator');
    const iterator = iteratorAttr?.expr.kind === 'variable' ? iteratorAttr.expr.name : name;
    const made: Block = { type: name, labels: [], labelRanges: [], body: content[0].body, range: block.range };
    try {
      const coll = evaluate(forEach.expr, ctx);
      if (isUnknown(coll)) {
        out.push({ block: made, ctx, unknown: true });
        continue;
      }
      const items: [unknown, unknown][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : isObjectValue(coll) ? sortedKeys(coll).map((k) => [k, coll[k]]) : [];
      if (!Array.isArray(coll) && !isObjectValue(coll)) throw new HclError(forEach.expr.range, `for_each must be a list, set or map, got ${typeName(coll)}`);
      for (const [key, value] of items) out.push({ block: made, ctx: { ...ctx, variables: { ...ctx.variables, [iterator]: { key, value } } } });
    } catch (err) {
      if (!(err instanceof HclError)) throw err;
      errors.push(err);
    }
  }
  return out;
}

/** Unknown leaves become the unset-variable action; known values are kept as they are. */
export function placeholders(value: unknown): unknown {
  if (isUnknown(value)) return UNKNOWN_ACTION;
  if (Array.isArray(value)) return value.map(placeholders);
  if (isObjectValue(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, placeholders(v)]));
  return value;
}

function recordRanges(ranges: RangeMap, path: string, range: Range, value: unknown): void {
  ranges.set(path, range);
  if (Array.isArray(value)) value.forEach((v, i) => recordRanges(ranges, `${path}[${i}]`, range, v));
}
