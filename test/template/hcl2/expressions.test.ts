import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../../src/template/hcl2/values.js';
import { ev, thrown } from './helpers.js';

describe('HCL expressions (modeled on hashicorp/hcl specsuite/tests/expressions)', () => {
  it('literals', () => {
    expect(ev('1')).toBe(1);
    expect(ev('1.5e2')).toBe(150);
    expect(ev('true')).toBe(true);
    expect(ev('null')).toBe(null);
    expect(ev('"a\\tb\\u00e9\\U0001F600\\"\\\\"')).toBe('a\tbé😀"\\');
    // Literals are normalized to NFC, as HCL does: n + combining tilde becomes ñ.
    expect(ev('"an\u0303os"')).toBe('a\u00f1os');
    expect(ev('<<EOT\nan\u0303os\nEOT\n')).toBe('a\u00f1os\n');
  });
  it('operators at HCL precedence', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('7 % 4 - -1')).toBe(4);
    expect(ev('1 < 2 && 2 >= 2 || false')).toBe(true);
    expect(ev('!true == false')).toBe(true);
    expect(ev('"1" + 1')).toBe(2);
    expect(ev('[1, "a"] == [1, "a"]')).toBe(true);
    expect(ev('{a = 1} != {a = 2}')).toBe(true);
  });
  it('conditionals', () => {
    expect(ev('x == "a" ? "yes" : "no"', { x: 'a' })).toBe('yes');
    expect(ev('false ? 1 : 2')).toBe(2);
    expect(ev('x ? 1 : 2', { x: UNKNOWN })).toBe(UNKNOWN);
  });
  it('tuples and objects, with newlines and commas', () => {
    expect(ev('[\n  1,\n  2,\n]')).toEqual([1, 2]);
    expect(ev('{\n  a = 1\n  "b c" = 2,\n  (k) = 3\n  d: 4\n}', { k: 'key' })).toEqual({ a: 1, 'b c': 2, key: 3, d: 4 });
  });
  it('attribute, index, legacy index and splats', () => {
    const vars = { l: [{ a: 1, b: [5] }, { a: 2, b: [6] }], m: { 'x-y': 'z' } };
    expect(ev('l[1].a', vars)).toBe(2);
    expect(ev('l.0.a', vars)).toBe(1);
    expect(ev('l[*].a', vars)).toEqual([1, 2]);
    expect(ev('l.*.a', vars)).toEqual([1, 2]);
    expect(ev('l[*].b[0]', vars)).toEqual([5, 6]);
    expect(ev('m["x-y"]', vars)).toBe('z');
    expect(ev('n[*]', { n: null })).toEqual([]);
    expect(ev('s[*]', { s: 'one' })).toEqual(['one']);
  });
  it('for expressions: list, object, if, grouping', () => {
    expect(ev('[for x in [1, 2, 3] : x * 2 if x != 2]')).toEqual([2, 6]);
    expect(ev('[for i, x in ["a", "b"] : "${i}${x}"]')).toEqual(['0a', '1b']);
    expect(ev('{for k, v in {b = 2, a = 1} : v => k}')).toEqual({ 1: 'a', 2: 'b' });
    expect(ev('[for k, v in {b = 2, a = 1} : k]')).toEqual(['a', 'b']);
    expect(ev('{for s in ["ab", "ac", "b"] : substr(s, 0, 1) => s...}')).toEqual({ a: ['ab', 'ac'], b: ['b'] });
    expect(thrown(() => ev('{for s in ["a", "a"] : s => s}'))).toMatch(/duplicate key "a" in the for expression; add "\.\.\."/);
  });
  it('templates: interpolation, directives, strip markers, escapes', () => {
    expect(ev('"a ${x} b"', { x: 1 })).toBe('a 1 b');
    expect(ev('"${x}"', { x: [1] })).toEqual([1]);
    expect(ev('"$${x} %%{y}"')).toBe('${x} %{y}');
    expect(ev('"%{ if x }yes%{ else }no%{ endif }"', { x: false })).toBe('no');
    expect(ev('"%{ for v in l }${v},%{ endfor }"', { l: ['a', 'b'] })).toBe('a,b,');
    expect(ev('"a   ${~ x ~}   b"', { x: 'X' })).toBe('aXb');
    expect(ev('"{{ .HTTPIP }}:{{ .HTTPPort }}"')).toBe('{{ .HTTPIP }}:{{ .HTTPPort }}');
  });
  it('heredocs, plain and flush, with directives', () => {
    expect(ev('<<EOF\n  a\n    ${x}\nEOF\n', { x: 'b' })).toBe('  a\n    b\n');
    expect(ev('<<-EOT\n    a\n      b\n    EOT\n')).toBe('a\n  b\n');
    // specsuite's flush/unicode_spaces: an em space counts as indentation.
    expect(ev('<<-EOT\n\u2003\u2003Foo\n Bar\nEOT\n')).toBe('\u2003Foo\nBar\n');
    expect(ev('<<-EOT\n  a\n\n  b\n  EOT\n')).toBe('a\n\nb\n');
    expect(ev('<<EOF\n%{ for v in l ~}\n${v}\n%{ endfor ~}\nEOF\n', { l: [1, 2] })).toBe('1\n2\n');
  });
  it('unknown values flow through operators, templates and functions', () => {
    expect(ev('x + 1', { x: UNKNOWN })).toBe(UNKNOWN);
    expect(ev('"a-${x}"', { x: UNKNOWN })).toBe(UNKNOWN);
    expect(ev('upper(x)', { x: UNKNOWN })).toBe(UNKNOWN);
    expect(ev('x.id', { x: UNKNOWN })).toBe(UNKNOWN);
    expect(ev('[for v in x : v]', { x: UNKNOWN })).toBe(UNKNOWN);
    expect(ev('coalesce("", x)', { x: UNKNOWN })).toBe(UNKNOWN);
  });
  it('function calls with expansion', () => {
    expect(ev('max(l...)', { l: [1, 5, 3] })).toBe(5);
    expect(ev('concat([1], [2, 3])')).toEqual([1, 2, 3]);
  });
});

describe('HCL expression errors', () => {
  it('name the place with the line and a caret', () => {
    expect(thrown(() => ev('1 + true'))).toMatch(/^expr\d+\.hcl:1:9: the right operand of "\+": number required, got bool\n  1 \| v = 1 \+ true\n    \|         \^\^\^\^$/);
    expect(thrown(() => ev('nope'))).toMatch(/unknown name "nope"/);
    expect(thrown(() => ev('[1][3]'))).toMatch(/index 3 is out of range for a list of 1 elements/);
    expect(thrown(() => ev('"a ${[1]}"'))).toMatch(/only strings, numbers and bools can be included in a string/);
    expect(thrown(() => ev('"a ${null}"'))).toMatch(/is null/);
  });
  it('syntax errors', () => {
    expect(thrown(() => ev('"abc'))).toMatch(/:1:6: unterminated string/);
    expect(thrown(() => ev('[1, 2'))).toMatch(/expected "]" to close the list/);
    expect(thrown(() => ev('"\\q"'))).toMatch(/invalid escape sequence/);
    expect(thrown(() => ev('"%{ if true }x"'))).toMatch(/%\{ if \} is not closed by %\{ endif \}/);
    expect(thrown(() => ev('<<EOF\nabc\n'))).toMatch(/unterminated heredoc/);
    expect(thrown(() => ev('1 +'))).toMatch(/expected an expression, found a newline/);
  });
});
