import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { registry } from '../../../src/plugins/registry.js';
import { generateSchema, loadTemplate } from '../../../src/template/index.js';

// Every example people copy must pass `bake validate` and the schema editors use.
const dir = fileURLToPath(new URL('../../../templates/examples/', import.meta.url));
const examples = readdirSync(dir).filter((f) => f.endsWith('.json'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(generateSchema(registry));

it('there are examples to check', () => {
  expect(examples.length).toBeGreaterThan(0);
});

describe.each(examples)('templates/examples/%s', (name) => {
  it('passes bake validate', () => {
    const plan = loadTemplate(`${dir}${name}`, { registry, env: {} });
    expect(plan.builds.length).toBeGreaterThan(0);
    expect(plan.warnings).toEqual([]);
  });
  it('passes the published schema', () => {
    validate(JSON.parse(readFileSync(`${dir}${name}`, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
  });
});
