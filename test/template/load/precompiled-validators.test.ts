import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { schemaKey, templateAjv } from '../../../src/template/load/ajv.js';
import { precompiledSchemas } from '../../../src/template/load/precompiled-schemas.js';

// The CLI loads these from dist/validators/ (written by `npm run build`, which `npm test` runs first).
const dir = fileURLToPath(new URL('../../../dist/validators/', import.meta.url));
const require = createRequire(import.meta.url);

/** Inputs that take each schema down its error paths: nothing, an unknown key, every property of the wrong type, a list where one value goes. */
function probes(schema: { properties?: Record<string, unknown> }): unknown[] {
  const keys = Object.keys(schema.properties ?? {});
  return [
    {},
    { not_a_key: 1 },
    'a string',
    Object.fromEntries(keys.map((k) => [k, { wrong: true }])),
    Object.fromEntries(keys.map((k) => [k, ['x', 2]])),
    Object.fromEntries(keys.map((k) => [k, '12'])),
    Object.fromEntries(keys.map((k) => [k, 'true'])),
  ];
}

describe('precompiled template validators', () => {
  const ajv = templateAjv();
  for (const [name, schema] of precompiledSchemas()) {
    it(`${name}: the build's standalone validator answers, fills defaults and coerces as ajv compiling the schema does`, () => {
      const file = `${dir}${schemaKey(schema)}.cjs`;
      expect(existsSync(file), `${file} (run npm run build)`).toBe(true);
      const precompiled = (require(file) as { default: ValidateFunction }).default;
      const compiled = ajv.compile(schema);
      for (const probe of probes(schema as { properties?: Record<string, unknown> })) {
        const [a, b] = [structuredClone(probe), structuredClone(probe)];
        expect(precompiled(a)).toBe(compiled(b));
        expect(a).toEqual(b);
        expect(precompiled.errors ?? null).toEqual(compiled.errors ?? null);
      }
    });
  }
});
