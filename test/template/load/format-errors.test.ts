import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatAjvErrors, jsonPath } from '../../../src/template/load/format-errors.js';

const errorsOf = (schema: object, value: unknown) => {
  const validate = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(schema);
  validate(value);
  return formatAjvErrors('t.json', 'builders[0]', validate.errors ?? []);
};

describe('formatAjvErrors', () => {
  it('writes JSON paths the way users read them', () => {
    expect(jsonPath('', ['post-processors', 1, 0])).toBe('post-processors[1][0]');
    expect(jsonPath('builders[0]', ['tags', 'Name.x', 'a b'])).toBe('builders[0].tags["Name.x"]["a b"]');
  });
  it('words each keyword for people', () => {
    const schema = {
      type: 'object',
      properties: {
        mode: { enum: ['a', 'b'] },
        list: { type: 'array', minItems: 2 },
        name: { type: 'string', minLength: 1, maxLength: 3 },
        n: { type: 'number', exclusiveMinimum: 0 },
        forbidden: { not: {} },
        either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
      dependencies: { key: ['secret'] },
    };
    expect(errorsOf(schema, { mode: 'c', list: [1], name: 'long', n: 0, forbidden: 1, either: [], key: 'k' })).toEqual([
      't.json: builders[0].key: needs "secret" too',
      't.json: builders[0].mode: must be one of "a", "b"',
      't.json: builders[0].list: must have at least 2 items',
      't.json: builders[0].name: must be at most 3 characters long',
      't.json: builders[0].n: must be > 0',
      't.json: builders[0].forbidden: is not allowed here',
      't.json: builders[0].either: does not match any of the allowed forms',
    ]);
  });
});
