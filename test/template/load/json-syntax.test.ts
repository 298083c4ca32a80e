import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../../src/template/load/json-syntax.js';

describe('findJsonSyntaxError', () => {
  const cases: [string, string][] = [
    ['{"a": 1,}', "1:9: expected a property name in double quotes, found token '}'"],
    ['{"a" 1}', "1:6: expected ':' after the property name, found token '1'"],
    ['{"a": tru}', "1:7: unexpected token 't'"],
    ['{\n\t"a": [1 2]\n}', "2:10: expected ',' or ']', found token '2'"],
    ['{"a": "x\ty"}', '1:9: control character in a string (write it as \\n, \\t, …)'],
    ['{"a": "\\q"}', '1:9: bad escape sequence in a string'],
    ['{"a": {"b": [', '1:14: unexpected end of file'],
    ['{"a": 01}', "1:8: expected ',' or '}', found token '1'"],
    ["{'a': 1}", "1:2: expected a property name in double quotes, found token '''"],
    ['   ', '1:4: the file is empty'],
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    const problem = findJsonSyntaxError(text);
    expect(problem && `${problem.line}:${problem.column}: ${problem.message}`).toBe(expected);
  });
  it('finds nothing wrong in valid JSON, including a byte order mark and escapes', () => {
    expect(findJsonSyntaxError('\ufeff{"a": [1, -2.5e3, true, null, "\\u00e9\\n"], "b": {}}')).toBeUndefined();
  });
  it('agrees with JSON.parse on what is valid', () => {
    for (const text of ['[]', '{"a":{"b":[{"c":"d"}]}}', '"x"', '0', '-0.5', '[1,]', '{"a":1}}', 'nul']) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(findJsonSyntaxError(text) === undefined, text).toBe(valid);
    }
  });
});
