import { Ajv } from 'ajv';
import ajvErrors from 'ajv-errors';
import { describe, expect, it } from 'vitest';
import { registry } from '../../../src/plugins/registry.js';
import type { Plugin } from '../../../src/plugins/types.js';

// bake skips the meta-schema check at start-up for speed; this is where every shipped schema gets it.
const plugins: Plugin[] = [...registry.builders.values(), ...registry.provisioners.values(), ...registry.postProcessors.values()];
const withErrors = ajvErrors as unknown as (ajv: Ajv) => Ajv;

describe.each(plugins.map((p) => [`${p.kind} ${p.type}`, p] as const))('%s', (_name, plugin) => {
  it('has a valid draft-07 schema that compiles in strict mode', () => {
    const ajv = withErrors(new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true }));
    expect(ajv.validateSchema(plugin.schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(plugin.schema)).not.toThrow();
  });
  it('describes every option and forbids unknown ones', () => {
    const properties = (plugin.schema as { properties?: Record<string, { description?: string }> }).properties ?? {};
    expect(Object.entries(properties).filter(([, p]) => !p.description).map(([k]) => k)).toEqual([]);
    expect((plugin.schema as { additionalProperties?: unknown }).additionalProperties).toBe(false);
  });
});
