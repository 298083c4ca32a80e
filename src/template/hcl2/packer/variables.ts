import { extname } from 'node:path';
import { keepVerbatim } from '../../../core/redactor.js';
import { didYouMean } from '../../load/did-you-mean.js';
import type { PlannedVariable } from '../../plan.js';
import type { Block, Expr } from '../ast.js';
import { HclError, type Diagnostics } from '../diagnostics.js';
import { evaluate, type EvalContext } from '../evaluate.js';
import type { FunctionTable } from '../function-types.js';
import { parseFile } from '../parse-body.js';
import type { Range } from '../range.js';
import { ConversionError, convert, parseType, typeText, type Type } from '../types.js';
import { containsUnknown, isObjectValue, isUnknown, numberText } from '../values.js';
import { parseJsonFile } from './json-syntax.js';
import { readText } from './files.js';

export interface VariableInputs {
  /** PKR_VAR_name=value, as Packer reads them. */
  env: NodeJS.ProcessEnv;
  autoVarFiles: string[];
  varFiles: string[];
  vars: Record<string, string>;
}

export interface ResolvedVariables {
  /** The `var` object of the evaluation context. */
  values: Record<string, unknown>;
  sensitive: Set<string>;
  planned: PlannedVariable[];
}

interface Declared {
  name: string;
  block: Block;
  type?: Type;
  sensitive: boolean;
  nullable: boolean;
  hasDefault: boolean;
  value: unknown;
  /** Where the value came from, for errors: the default, a file's attribute, or a flag. */
  from: Range | string;
}

const VARIABLE_ARGS = ['type', 'default', 'description', 'sensitive', 'nullable'];

/**
 * Variables as Packer sets them, later winning: the default, PKR_VAR_name, *.auto.pkrvars.*,
 * each -var-file in order, then -var; each converted to its type, then its validation rules run.
 */
export function resolveVariables(blocks: Map<string, Block>, inputs: VariableInputs, functions: FunctionTable, defaultsFunctions: FunctionTable, diags: Diagnostics): ResolvedVariables {
  const declared = new Map<string, Declared>();
  const plain: EvalContext = { variables: {}, functions };
  for (const [name, block] of blocks) {
    const d: Declared = { name, block, sensitive: false, nullable: true, hasDefault: false, value: null, from: block.range };
    for (const attr of block.body.attributes) {
      if (!VARIABLE_ARGS.includes(attr.name)) diags.error(attr.nameRange, `unknown argument "${attr.name}" in variable "${name}"${didYouMean(attr.name, VARIABLE_ARGS)}`);
    }
    for (const b of block.body.blocks) if (b.type !== 'validation') diags.error(b.range, `unknown block "${b.type}" in variable "${name}"; only validation blocks go there`);
    const attr = (n: string) => block.body.attributes.find((a) => a.name === n);
    try {
      const typeAttr = attr('type');
      if (typeAttr) d.type = parseType(typeExpr(typeAttr.expr), (e) => evaluate(e, plain));
      const sensitive = attr('sensitive');
      if (sensitive) d.sensitive = evaluate(sensitive.expr, plain) === true;
      const nullable = attr('nullable');
      if (nullable) d.nullable = evaluate(nullable.expr, plain) !== false;
      const def = attr('default');
      if (def) {
        d.hasDefault = true;
        d.value = typed(d, evaluate(def.expr, { variables: {}, functions: defaultsFunctions }), def.expr.range);
        d.from = def.expr.range;
      }
    } catch (err) {
      diags.catch(err);
    }
    declared.set(name, d);
  }

  const assign = (name: string, value: unknown, from: Range | string) => {
    const d = declared.get(name)!;
    d.value = typed(d, value, from);
    d.hasDefault = true;
    d.from = from;
  };
  const fromText = (name: string, text: string, from: string) => {
    const d = declared.get(name)!;
    const simple = !d.type || ['string', 'number', 'bool', 'any'].includes(d.type.kind);
    if (simple) return assign(name, text, from);
    const body = parseFile(from, `value = ${text}\n`);
    assign(name, evaluate(body.attributes[0].expr, plain), from);
  };
  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      diags.catch(err);
    }
  };

  for (const [key, value] of Object.entries(inputs.env)) {
    if (!key.startsWith('PKR_VAR_') || value === undefined) continue;
    const name = key.slice('PKR_VAR_'.length);
    if (declared.has(name)) guard(() => fromText(name, value, `<value for var.${name} from env>`));
  }
  for (const file of [...inputs.autoVarFiles, ...inputs.varFiles]) {
    guard(() => {
      for (const { name, value, range } of readVarFile(file, plain, diags)) {
        if (!declared.has(name)) {
          diags.warn(range, `variable "${name}" is set but not declared; add a variable "${name}" block to use it${didYouMean(name, declared.keys())}`);
          continue;
        }
        guard(() => assign(name, value, range));
      }
    });
  }
  for (const [name, value] of Object.entries(inputs.vars)) {
    if (!declared.has(name)) {
      diags.error(undefined, `-var ${name}: variable "${name}" is not declared in the template${didYouMean(name, declared.keys())}`);
      continue;
    }
    guard(() => fromText(name, value, `-var ${name}`));
  }

  const values: Record<string, unknown> = {};
  const sensitive = new Set<string>();
  for (const d of declared.values()) {
    if (!d.hasDefault) {
      // Built from the name alone: never masked, though a name can contain a secret's value (rgl's "vagrant_box").
      const message = `required variable "${d.name}" is not set; give it with -var ${d.name}=…, PKR_VAR_${d.name}, or in a -var-file`;
      keepVerbatim(message);
      diags.error(d.block.range, message);
    }
    else if (d.value === null && !d.nullable) diags.error(d.block.range, `variable "${d.name}" must not be null (nullable = false)`);
    values[d.name] = d.value;
    if (d.sensitive) sensitive.add(d.name);
  }
  for (const d of declared.values()) if (d.hasDefault) guard(() => validate(d, values[d.name], functions));
  const planned = [...declared.values()].map((d) => ({ name: d.name, value: displayValue(d.value), sensitive: d.sensitive }));
  return { values, sensitive, planned };
}

/** A type written as a string (HCL's JSON syntax) is read as the expression it holds. */
function typeExpr(expr: Expr): Expr {
  if (expr.kind === 'literal' && typeof expr.value === 'string') return parseFile(expr.range.file, `t = ${expr.value}\n`).attributes[0].expr;
  return expr;
}

function typed(d: Declared, value: unknown, from: Range | string): unknown {
  if (!d.type) return value;
  try {
    return convert(value, d.type);
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err;
    const message = `the value of variable "${d.name}" does not match its type ${typeText(d.type)}: ${err.message}`;
    if (typeof from === 'string') throw new HclError(undefined, `${from}: ${message}`);
    throw new HclError(from, message);
  }
}

function validate(d: Declared, value: unknown, functions: FunctionTable): void {
  for (const rule of d.block.body.blocks.filter((b) => b.type === 'validation')) {
    const condition = rule.body.attributes.find((a) => a.name === 'condition');
    const message = rule.body.attributes.find((a) => a.name === 'error_message');
    if (!condition || !message) throw new HclError(rule.range, 'a validation block needs condition and error_message');
    const ctx: EvalContext = { variables: { var: { [d.name]: value } }, functions };
    const ok = evaluate(condition.expr, ctx);
    if (isUnknown(ok) || ok === true) continue;
    if (ok !== false) throw new HclError(condition.expr.range, 'a validation condition must be true or false');
    const text = evaluate(message.expr, ctx);
    throw new HclError(typeof d.from === 'string' ? condition.expr.range : d.from, `invalid value for variable "${d.name}": ${typeof text === 'string' ? text : 'the validation rule failed'}`);
  }
}

/** A var file's assignments: .pkrvars.hcl (arguments only) or .json (an object). */
function readVarFile(file: string, ctx: EvalContext, diags: Diagnostics): { name: string; value: unknown; range: Range }[] {
  const text = readText(file, 'var-file');
  if (extname(file) === '.json') {
    // Parsed for its syntax errors and positions; the values are JSON's own, never evaluated, as in Packer.
    const body = parseJsonFile(file, text);
    const json = JSON.parse(text.replace(/^\ufeff/, '')) as Record<string, unknown>;
    return body.attributes.map((a) => ({ name: a.name, value: json[a.name], range: a.range }));
  }
  const body = parseFile(file, text);
  for (const b of body.blocks) {
    diags.error(b.range, b.type === 'variable' ? `a var file sets values (name = value); declare variable "${b.labels[0]}" in a .pkr.hcl file` : `a var file holds only name = value, not a ${b.type} block`);
  }
  return body.attributes.map((a) => ({ name: a.name, value: evaluate(a.expr, ctx), range: a.range }));
}

/** How `bake inspect` and the plan show a value: strings as they are, the rest as JSON. */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberText(v);
  if (isUnknown(v) || containsUnknown(v)) return '<unknown>';
  return JSON.stringify(v);
}

/** Every string (and number) inside a value, for redaction. */
export function leafStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string' && v !== '') out.push(v);
  else if (typeof v === 'number') out.push(numberText(v));
  else if (Array.isArray(v)) v.forEach((x) => leafStrings(x, out));
  else if (isObjectValue(v)) Object.values(v).forEach((x) => leafStrings(x, out));
}
