import { randomUUID } from 'node:crypto';
import { bakeVersion } from '../../core/package-root.js';
import { resolve } from 'node:path';
import { goTimeFormat, RFC3339 } from './go-time.js';
import { goSprintf, goSprint } from './printf.js';
import { strftime } from './strftime.js';
import { TemplateSyntaxError, UnsetVariable } from './template-error.js';
import type { RenderContext } from './render-context.js';

/** Thrown by a function that cannot be evaluated yet in partial mode; the action is kept as written. */
export class Deferred extends Error {}

export type ParamType = 'string' | 'int' | 'any';

export interface TemplateFunction {
  params: ParamType[];
  /** Optional trailing parameters of the last type (Go variadic), e.g. isotime's layout. */
  variadic?: boolean;
  call(ctx: RenderContext, ...args: any[]): string;
}


function required(ctx: RenderContext, value: string | undefined, what: string): string {
  if (value !== undefined) return value;
  if (ctx.partial) throw new Deferred();
  throw new TemplateSyntaxError(`${what} is not available here`);
}

/** Packer's AMI name rule for amazon-* builds, the generic lower-case rule (GCE, Azure…) otherwise. */
function cleanResourceName(ctx: RenderContext, s: string): string {
  if (ctx.buildType?.startsWith('amazon-')) return s.replace(/[^a-zA-Z0-9()[\] ./\-'@_]/g, '-');
  return s.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
}

const unsupported = (name: string, why: string): TemplateFunction => ({
  params: [],
  variadic: true,
  call() {
    throw new TemplateSyntaxError(`function "${name}" is not supported by bake: ${why}`);
  },
});
const SECRETS = 'pass the secret with -var or an {{env}} default in "variables", and list it in "sensitive-variables"';

export const FUNCTIONS: Record<string, TemplateFunction> = {
  user: {
    params: ['string'],
    call(ctx, name: string) {
      if (ctx.unsetVars?.has(name)) throw new UnsetVariable(name);
      const value = ctx.userVars?.[name];
      if (value === undefined) throw new TemplateSyntaxError(`variable "${name}" is not declared in "variables"`);
      return value;
    },
  },
  env: {
    params: ['string'],
    call(ctx, name: string) {
      if (!ctx.allowEnv) throw new TemplateSyntaxError('env is only allowed in the defaults of "variables" (as in Packer)');
      return (ctx.env ?? process.env)[name] ?? '';
    },
  },
  timestamp: { params: [], call: (ctx) => String(Math.floor(runTime(ctx).getTime() / 1000)) },
  isotime: {
    params: ['string'],
    variadic: true,
    call(ctx, ...layouts: string[]) {
      if (layouts.length > 1) throw new TemplateSyntaxError(`wrong number of arguments for isotime: want 0 or 1, got ${layouts.length}`);
      return goTimeFormat(runTime(ctx), layouts[0] ?? RFC3339);
    },
  },
  strftime: { params: ['string'], call: (ctx, format: string) => strftime(runTime(ctx), format) },
  uuid: { params: [], call: (ctx) => (ctx.stable ? '00000000-0000-0000-0000-000000000000' : randomUUID()) },
  build_name: { params: [], call: (ctx) => required(ctx, ctx.buildName, 'build_name') },
  build_type: { params: [], call: (ctx) => required(ctx, ctx.buildType, 'build_type') },
  template_dir: { params: [], call: (ctx) => (ctx.stable ? '.' : resolve(required(ctx, ctx.templateDir, 'template_dir'))) },
  pwd: { params: [], call: (ctx) => (ctx.stable ? '.' : process.cwd()) },
  packer_version: { params: [], call: () => bakeVersion() },
  build: {
    params: ['string'],
    call(ctx, name: string) {
      const value = ctx.data?.[name];
      if (value === undefined || value === null) {
        if (ctx.partial) throw new Deferred();
        throw new TemplateSyntaxError(`build value "${name}" is not available here`);
      }
      return String(value);
    },
  },
  clean_resource_name: { params: ['string'], call: (ctx, s: string) => cleanResourceName(ctx, s) },
  lower: { params: ['string'], call: (_ctx, s: string) => s.toLowerCase() },
  upper: { params: ['string'], call: (_ctx, s: string) => s.toUpperCase() },
  replace: {
    params: ['string', 'string', 'int', 'string'],
    call: (_ctx, old: string, replacement: string, n: number, s: string) => goReplace(s, old, replacement, n),
  },
  replace_all: {
    params: ['string', 'string', 'string'],
    call: (_ctx, old: string, replacement: string, s: string) => goReplace(s, old, replacement, -1),
  },
  split: {
    params: ['string', 'string', 'int'],
    call(_ctx, s: string, sep: string, n: number) {
      const parts = s.split(sep);
      if (n < 0 || n >= parts.length) {
        throw new TemplateSyntaxError(`split: part ${n} of "${s}" split by "${sep}" does not exist (${parts.length} parts)`);
      }
      return parts[n];
    },
  },
  print: { params: ['any'], variadic: true, call: (_ctx, ...args: unknown[]) => goSprint(args) },
  printf: { params: ['string', 'any'], variadic: true, call: (_ctx, format: string, ...args: unknown[]) => goSprintf(format, args) },
  sed: unsupported('sed', 'it is deprecated in Packer too; use replace or replace_all'),
  consul_key: unsupported('consul_key', SECRETS),
  vault: unsupported('vault', SECRETS),
  aws_secretsmanager: unsupported('aws_secretsmanager', SECRETS),
  aws_secretsmanager_raw: unsupported('aws_secretsmanager_raw', SECRETS),
};

/** The run's start: one value for every {{timestamp}} and {{isotime}} of a run, as in Packer. */
export const RUN_START = new Date();
function runTime(ctx: RenderContext): Date {
  if (ctx.stable) return new Date(0);
  return ctx.now ?? RUN_START;
}

/** Go's strings.Replace: the first n non-overlapping matches (all when n < 0); an empty `old` matches between runes. */
function goReplace(s: string, old: string, replacement: string, n: number): string {
  if (n === 0 || old === replacement) return s;
  if (old === '') {
    const chars = Array.from(s);
    const count = n < 0 ? chars.length + 1 : Math.min(n, chars.length + 1);
    let out = '';
    for (let i = 0; i < chars.length; i++) out += (i < count ? replacement : '') + chars[i];
    return count > chars.length ? out + replacement : out;
  }
  let out = '';
  let pos = 0;
  for (let done = 0; n < 0 || done < n; done++) {
    const at = s.indexOf(old, pos);
    if (at < 0) break;
    out += s.slice(pos, at) + replacement;
    pos = at + old.length;
  }
  return out + s.slice(pos);
}
