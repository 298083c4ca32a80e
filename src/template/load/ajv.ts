import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, Options, ValidateFunction } from 'ajv';

/**
 * One ajv for every template check. Options as Packer decodes: values are coerced after
 * interpolation ("22" → 22, "true" → true), defaults filled in, and every error reported at once.
 * Plugin schemas are checked against the meta-schema by a test, not on every start (it is slow).
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  // 'array': a single value where a list is expected becomes a list of one, as Packer's weak decoding does.
  coerceTypes: 'array',
  useDefaults: true,
  strict: false,
  allowUnionTypes: true,
  // parentSchema in errors, for did-you-mean suggestions.
  verbose: true,
  validateSchema: false,
};

const require = createRequire(import.meta.url);

/**
 * An ajv with the template options and ajv-errors. Loaded on first use: ajv is ~80 CommonJS files
 * and compiling a plugin's schema takes 0.1-1 s, so a start that finds its validators precompiled
 * (below) never loads it. `extra` is for the build's precompilation (`code.source`).
 */
export function templateAjv(extra: Options = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const ajvErrors = require('ajv-errors') as (ajv: Ajv) => Ajv;
  return ajvErrors(new AjvClass({ ...AJV_OPTIONS, ...extra }));
}

/** The name a schema's precompiled validator is stored under: the hash of its JSON, so a changed schema never meets a stale validator. */
export function schemaKey(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
}

// `npm run build` writes the validators of bake's own schemas to dist/validators/ (ajv's standalone
// code, scripts/precompile-validators.mjs), beside dist/bundle/ where this file runs in the CLI.
// Run from anywhere else (the tests on src/, tsc's dist/ tree), there are none and ajv compiles.
const PRECOMPILED = fileURLToPath(new URL('../validators/', import.meta.url));

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

export function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const file = `${PRECOMPILED}${schemaKey(schema)}.cjs`;
    if (existsSync(file)) validate = (require(file) as { default: ValidateFunction }).default;
    else validate = (ajv ??= templateAjv()).compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}
