import { BakeError, UsageError } from '../../core/errors.js';
import { render, UnsetVariable } from '../interpolate/index.js';
import type { PlannedVariable } from '../plan.js';
import { isObject, readJsonFile } from './read-json.js';

export interface VariableInput {
  file: string;
  templateDir: string;
  /** `variables` of the template: default, or null when required. */
  declared: Record<string, string | null>;
  sensitiveNames: string[];
  varFiles: string[];
  vars: Record<string, string>;
  env: NodeJS.ProcessEnv;
  now: Date;
  /** Render time-only values as constants (see RenderContext.stable), for fingerprints. */
  stable?: boolean;
}

export interface ResolvedVariables {
  values: Record<string, string>;
  /** Variables left without a value by one of `errors`. */
  unset: ReadonlySet<string>;
  planned: PlannedVariable[];
  errors: string[];
}

/**
 * Defaults, then each -var-file in order, then -var (later wins). Every value is rendered once,
 * with {{env}} allowed and {{user}} resolving other variables on demand, in any order.
 */
export function resolveVariables(input: VariableInput): ResolvedVariables {
  const errors: string[] = [];
  const raw: Record<string, string | null> = { ...input.declared };
  const origin: Record<string, string> = {};
  const assign = (name: string, value: string, from: string) => {
    if (!Object.hasOwn(input.declared, name)) {
      errors.push(`${from}: variable "${name}" is not declared in the "variables" of ${input.file}`);
      return;
    }
    raw[name] = value;
    origin[name] = from;
  };
  for (const varFile of input.varFiles) {
    for (const [name, value] of Object.entries(readVarFile(varFile))) assign(name, value, varFile);
  }
  for (const [name, value] of Object.entries(input.vars)) assign(name, value, `-var ${name}`);
  input.sensitiveNames.forEach((name, i) => {
    if (!Object.hasOwn(input.declared, name)) errors.push(`${input.file}: sensitive-variables[${i}]: "${name}" is not declared in "variables"`);
  });

  const values: Record<string, string> = {};
  // Variables without a value because of an error reported once; whatever uses them is skipped.
  const unset = new Set<string>();
  const resolving: string[] = [];
  const userVars = new Proxy({} as Record<string, string>, {
    get: (_target, name) => (typeof name === 'string' && Object.hasOwn(raw, name) ? resolve(name) : undefined),
  });
  function resolve(name: string): string {
    if (Object.hasOwn(values, name)) return values[name];
    if (unset.has(name)) throw new UnsetVariable(name);
    if (resolving.includes(name)) {
      throw new UsageError(`${input.file}: variables.${name}: variables refer to each other: ${[...resolving, name].join(' → ')}`);
    }
    const value = raw[name];
    if (value === null) {
      unset.add(name);
      errors.push(`${input.file}: variables.${name}: required variable not set; give it with -var ${name}=… or in a -var-file`);
      throw new UnsetVariable(name);
    }
    resolving.push(name);
    try {
      const where = origin[name] ?? `${input.file}: variables.${name}`;
      values[name] = render(value, { userVars, allowEnv: true, env: input.env, now: input.now, templateDir: input.templateDir, where, stable: input.stable });
    } catch (err) {
      unset.add(name);
      throw err;
    } finally {
      resolving.pop();
    }
    return values[name];
  }

  for (const name of Object.keys(raw)) {
    try {
      resolve(name);
    } catch (err) {
      if (err instanceof UnsetVariable) continue;
      if (!(err instanceof BakeError)) throw err;
      if (!errors.includes(err.message)) errors.push(err.message);
    }
  }
  const planned = Object.keys(raw).map((name) => ({
    name,
    value: values[name] ?? '',
    sensitive: input.sensitiveNames.includes(name),
  }));
  return { values, unset, planned, errors };
}

export function readVarFile(file: string): Record<string, string> {
  const json = readJsonFile(file, 'var-file');
  if (!isObject(json)) throw new UsageError(`${file}: a var-file must be a JSON object of variable names to values`);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    else throw new UsageError(`${file}: ${name}: must be a string`);
  }
  return out;
}
