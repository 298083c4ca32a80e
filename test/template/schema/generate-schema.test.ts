import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { registry } from '../../../src/plugins/registry.js';
import { generateSchema } from '../../../src/template/index.js';
import { fakeRegistry } from '../fake-plugins.js';

const validatorOf = (schema: object) => new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('generateSchema', () => {
  it('templates/bake.schema.json is what the live registry generates (run `npm run build && node scripts/generate-schema.mjs` after changing a plugin)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../templates/bake.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(generateSchema(registry))));
  });

  it('is a valid draft-07 schema naming every registered plugin type', () => {
    const schema = generateSchema(registry);
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(schema.properties.builders.items.properties.type.enum).toEqual([...registry.builders.keys()].sort());
  });

  describe('with fake plugins', () => {
    const validate = validatorOf(generateSchema(fakeRegistry().registry));
    const template = (builder: object, extra: object = {}) => ({
      _comment: 'c',
      $schema: './bake.schema.json',
      variables: { port: '22', _comment: 'c' },
      builders: [{ type: 'fake-a', region: 'r', ...builder }],
      ...extra,
    });

    it('accepts a valid template, with templated and string-typed numbers and durations', () => {
      const ok = validate(
        template(
          { ssh_port: '{{user `port`}}', enabled: 'true', ssh_timeout: '{{user `t`}}', _comment: 'x', ebs_optimized: true },
          {
            provisioners: [{ type: 'fake-shell', inline: 'a', pause_before: '5s', only: ['fake-a'], override: { 'fake-a': { inline: ['b'] } } }],
            'post-processors': ['fake-manifest', [{ type: 'fake-compress', output: 'x.gz', keep_input_artifact: true }, 'fake-upload']],
          },
        ),
      );
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it('rejects unknown keys, unknown types, refused options and bad durations', () => {
      const failures = (value: object) =>
        validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);
      expect(failures(template({ ssh_prot: 22 }))).toContain('/builders/0 additionalProperties {"additionalProperty":"ssh_prot"}');
      expect(failures(template({ type: 'fake-z' }))).toContain('/builders/0/type enum {"allowedValues":["fake-a","fake-b"]}');
      expect(failures(template({ ssh_proxy_host: 'p' }))).toContain('/builders/0/ssh_proxy_host not {}');
      expect(failures(template({ ssh_timeout: 'five minutes' }))[0]).toMatch(/^\/builders\/0\/ssh_timeout pattern/);
      expect(failures(template({}, { provisioners: [{ type: 'fake-shell', inlin: [] }] }))).toContain(
        '/provisioners/0 additionalProperties {"additionalProperty":"inlin"}',
      );
      expect(failures({ builders: [{ type: 'fake-a', region: 'r' }], bulders: [] })).toContain(' additionalProperties {"additionalProperty":"bulders"}');
    });
  });
});
