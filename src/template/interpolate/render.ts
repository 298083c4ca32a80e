import { UsageError } from '../../core/errors.js';
import type { Command, Operand, Pipeline, Segment } from './ast.js';
import { Deferred, FUNCTIONS, type ParamType } from './functions.js';
import type { RenderContext } from './render-context.js';
import { scan } from './scan.js';
import { TemplateSyntaxError } from './template-error.js';

type Value = string | number | boolean | null | undefined | object;

/** Whether `text` contains anything to interpolate; plain strings skip the parser entirely. */
export function hasActions(text: string): boolean {
  return text.includes('{{');
}

/**
 * Renders Packer's Go-template subset. Errors are UsageErrors whose one line starts with
 * `ctx.where`, e.g. `t.json: builders[0].ami_name: unknown function "foo" in {{foo}}`.
 */
export function render(text: string, ctx: RenderContext = {}): string {
  if (!hasActions(text)) return text;
  try {
    const parts = scan(text).map((segment) => renderSegment(segment, ctx));
    if (!parts.some((p) => p.kept)) return parts.map((p) => p.text).join('');
    // The result is rendered again (the kept actions): a value that holds `{{` (a password, a
    // user value) must come out of that second pass as it is, not be read as a template.
    return parts.map((p) => (p.value ? p.text.replaceAll('{{', '{{"{{"}}') : p.text)).join('');
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new UsageError(ctx.where ? `${ctx.where}: ${err.message}` : err.message);
    throw err;
  }
}

/** A segment's text; `kept`: an action left as written for a later pass; `value`: an action's value. */
function renderSegment(segment: Segment, ctx: RenderContext): { text: string; kept?: boolean; value?: boolean } {
  if (segment.kind === 'text') return { text: segment.text };
  if (segment.kind === 'comment') return { text: '' };
  try {
    return { text: print(evalPipeline(segment.pipeline, ctx)), value: true };
  } catch (err) {
    if (err instanceof Deferred) return { text: segment.source, kept: true };
    if (err instanceof TemplateSyntaxError) {
      throw new TemplateSyntaxError(`${err.message} in ${segment.source}`);
    }
    throw err;
  }
}

function print(value: Value): string {
  if (value === undefined || value === null) return '<no value>';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function evalPipeline(pipeline: Pipeline, ctx: RenderContext): Value {
  let piped: Value[] = [];
  let result: Value;
  for (const command of pipeline) {
    result = evalCommand(command, piped, ctx);
    piped = [result];
  }
  return result;
}

function evalCommand(command: Command, piped: Value[], ctx: RenderContext): Value {
  const [head, ...rest] = command;
  if (head.kind === 'ident') return callFunction(head.name, rest, piped, ctx);
  if (rest.length > 0 || piped.length > 0) {
    throw new TemplateSyntaxError(`${describe(head)} is not a function and cannot take arguments`);
  }
  return evalOperand(head, ctx);
}

function evalOperand(operand: Operand, ctx: RenderContext): Value {
  switch (operand.kind) {
    case 'string': case 'number': case 'bool': return operand.value;
    case 'ident': return callFunction(operand.name, [], [], ctx);
    case 'pipeline': return evalPipeline(operand.pipeline, ctx);
    case 'field': return lookupField(operand.path, ctx);
  }
}

function lookupField(path: string[], ctx: RenderContext): Value {
  let value: Value = ctx.data;
  for (const name of path) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, Value>)[name] : undefined;
    if (value === undefined) {
      if (ctx.partial) throw new Deferred();
      throw new TemplateSyntaxError(`no value for .${path.join('.')}`);
    }
  }
  return value;
}

function callFunction(name: string, argOps: Operand[], piped: Value[], ctx: RenderContext): Value {
  const fn = FUNCTIONS[name];
  if (!fn) throw new TemplateSyntaxError(`unknown function "${name}"`);
  const args = [...argOps.map((op) => evalOperand(op, ctx)), ...piped];
  const fixed = fn.variadic ? fn.params.length - 1 : fn.params.length;
  if (args.length < fixed || (!fn.variadic && args.length > fixed)) {
    const want = fn.variadic ? `at least ${fixed}` : String(fixed);
    throw new TemplateSyntaxError(`wrong number of arguments for ${name}: want ${want}, got ${args.length}`);
  }
  const typed = args.map((arg, i) => convert(arg, fn.params[Math.min(i, fn.params.length - 1)], name, i, argOps[i]));
  return fn.call(ctx, ...typed);
}

/** Literals must have the parameter's type, as in Go; values computed at run time are converted. */
function convert(arg: Value, type: ParamType, fn: string, index: number, literal: Operand | undefined): Value {
  if (type === 'any') return arg;
  const position = `argument ${index + 1} of ${fn}`;
  const computed = literal === undefined || literal.kind === 'pipeline' || literal.kind === 'ident' || literal.kind === 'field';
  if (type === 'int') {
    const n = typeof arg === 'string' && computed && /^-?\d+$/.test(arg) ? Number(arg) : arg;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new TemplateSyntaxError(`${position} must be an integer, got ${JSON.stringify(arg)}`);
    return n;
  }
  if (typeof arg === 'string') return arg;
  if (!computed) {
    throw new TemplateSyntaxError(`${position} must be a string, got ${JSON.stringify(arg)}`);
  }
  return print(arg);
}

function describe(op: Operand): string {
  switch (op.kind) {
    case 'string': return JSON.stringify(op.value);
    case 'field': return `.${op.path.join('.')}`;
    case 'pipeline': return '(…)';
    case 'ident': return op.name;
    default: return String(op.value);
  }
}
