import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonConsoleEvaluator } from '../../../src/template/index.js';
import { errorOf, writeFiles } from '../fake-plugins.js';

describe('jsonConsoleEvaluator', () => {
  const dir = writeFiles({
    't.json': { variables: { x: '1', y: '{{user `x`}}-2', pw: 'secret-5f2a', region: null }, 'sensitive-variables': ['pw'], builders: [{ type: 'null' }] },
    'v.json': { x: '3' },
  });
  const file = join(dir, 't.json');

  it('renders {{user}} (variables referring to each other), functions, and a bare action', () => {
    const e = jsonConsoleEvaluator({ file, vars: {}, varFiles: [] });
    expect(e.evaluate('{{user `y`}}')).toBe('1-2');
    expect(e.evaluate('upper `a`')).toBe('A');
    expect(e.evaluate('x={{ split `a,b` `,` 1 }}')).toBe('x=b');
    expect(e.evaluate('{{template_dir}}')).toBe(dir);
  });

  it('takes -var-file, then -var, and masks sensitive values', () => {
    expect(jsonConsoleEvaluator({ file, vars: {}, varFiles: [join(dir, 'v.json')] }).evaluate('{{user `y`}}')).toBe('3-2');
    const e = jsonConsoleEvaluator({ file, vars: { x: '9', region: 'eu' }, varFiles: [join(dir, 'v.json')] });
    expect(e.evaluate('{{user `y`}} {{user `region`}}')).toBe('9-2 eu');
    expect(e.evaluate('pw={{user `pw`}}')).toBe('pw=<sensitive>');
  });

  it('says what is wrong with an expression, one line', () => {
    const e = jsonConsoleEvaluator({ file, vars: {}, varFiles: [] });
    expect(errorOf(() => e.evaluate('{{user `region`}}'))).toBe('variable "region" has no value; give it with -var region=… or in a -var-file');
    expect(errorOf(() => e.evaluate('{{ nope }}'))).toBe('unknown function "nope" in {{ nope }}');
    expect(errorOf(() => jsonConsoleEvaluator({ file, vars: { zz: '1' }, varFiles: [] }))).toBe(`-var zz: variable "zz" is not declared in the "variables" of ${file}`);
  });

  it('works without a template: the functions alone', () => {
    expect(jsonConsoleEvaluator({ vars: {}, varFiles: [] }).evaluate('{{ lower `AB` }}')).toBe('ab');
  });
});
