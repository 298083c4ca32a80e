import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate, type LoadOptions } from '../../../src/template/index.js';
import { errorOf, fakeRegistry, writeFiles } from '../fake-plugins.js';

function setup(variables: Record<string, unknown>, extraFiles: Record<string, string | object> = {}, builderExtra: object = {}) {
  const template = { variables, builders: [{ type: 'fake-a', region: '{{user `region`}}', ...builderExtra }] };
  const dir = writeFiles({ 't.json': template, ...extraFiles });
  const { registry, created } = fakeRegistry();
  const load = (options: Partial<LoadOptions> = {}) => {
    const plan = loadTemplate(join(dir, 't.json'), { registry, env: { REGION_ENV: 'us-east-2' }, ...options });
    return { plan, values: Object.fromEntries(plan.variables.map((v) => [v.name, v.value])), config: created.at(-1)!.config };
  };
  const fail = (options: Partial<LoadOptions> = {}) => errorOf(() => load(options)).split(`${dir}/`).join('');
  return { dir, load, fail };
}

describe('variables', () => {
  it('uses defaults, with {{env}} and other variables in any order', () => {
    const { load } = setup({ name: 'web-{{user `region`}}', region: '{{env `REGION_ENV`}}', n: 3 as unknown as string });
    const { values, config } = load();
    expect(values).toEqual({ name: 'web-us-east-2', region: 'us-east-2', n: '3' });
    expect(config.region).toBe('us-east-2');
  });
  it('applies -var-file files in order, then -var over them', () => {
    const { load, dir } = setup(
      { region: 'default', size: 'small', zone: 'a' },
      { 'one.json': { region: 'one', size: 'one' }, 'two.json': { size: 'two', zone: 'two' } },
    );
    const { values } = load({ varFiles: [join(dir, 'one.json'), join(dir, 'two.json')], vars: { zone: 'cli' } });
    expect(values).toEqual({ region: 'one', size: 'two', zone: 'cli' });
  });
  it('a null default is required: an error names it unless a value is given', () => {
    const { load, fail } = setup({ region: null, other: null });
    expect(fail().split('\n')).toEqual([
      't.json: variables.region: required variable not set; give it with -var region=… or in a -var-file',
      't.json: variables.other: required variable not set; give it with -var other=… or in a -var-file',
    ]);
    expect(load({ vars: { region: 'r', other: '' } }).values).toEqual({ region: 'r', other: '' });
  });
  it('reports unset variables together with the plugin errors, skipping checks of values that use them', () => {
    const { fail } = setup(
      { region: null, port: null, name: 'x-{{user `port`}}' },
      {},
      { ssh_port: '{{user `name`}}', count: 'many', ssh_prot: 1, tags: { A: '{{user `port`}}' } },
    );
    expect(fail().split('\n')).toEqual([
      't.json: variables.region: required variable not set; give it with -var region=… or in a -var-file',
      't.json: variables.port: required variable not set; give it with -var port=… or in a -var-file',
      't.json: builders[0].ssh_prot: unknown key; did you mean "ssh_port"?',
      't.json: builders[0].count: must be an integer',
    ]);
  });
  it('refuses a -var or var-file value for an undeclared variable', () => {
    const { fail, dir } = setup({ region: 'r' }, { 'v.json': { regoin: 'x' } });
    expect(fail({ vars: { size: 'big' } })).toBe('-var size: variable "size" is not declared in the "variables" of t.json');
    expect(fail({ varFiles: [join(dir, 'v.json')] })).toBe('v.json: variable "regoin" is not declared in the "variables" of t.json');
  });
  it('names a missing or malformed var-file', () => {
    const { fail, dir } = setup({ region: 'r' }, { 'bad.json': '{"region": }', 'list.json': '[]' });
    expect(fail({ varFiles: [join(dir, 'missing.json')] })).toBe('missing.json: cannot read the var-file: no such file');
    expect(fail({ varFiles: [join(dir, 'bad.json')] })).toBe("bad.json:1:12: unexpected token '}'");
    expect(fail({ varFiles: [join(dir, 'list.json')] })).toBe('list.json: a var-file must be a JSON object of variable names to values');
  });
  it('allows {{env}} only in variables', () => {
    expect(setup({ region: 'r' }, {}, { ami_name: '{{env `HOME`}}' }).fail()).toBe(
      't.json: builders[0].ami_name: env is only allowed in the defaults of "variables" (as in Packer) in {{env `HOME`}}',
    );
  });
  it('reports variables that refer to each other', () => {
    expect(setup({ region: '{{user `a`}}', a: '{{user `region`}}' }).fail()).toBe(
      't.json: variables.region: variables refer to each other: region → a → region',
    );
  });
  it('sensitive-variables must be declared; their values are in sensitiveValues', () => {
    expect(setup({ region: 'r' }).load().plan.sensitiveValues).toEqual([]);
    const dir = writeFiles({
      't.json': { variables: { region: 'r', key: 'K3Y-VALUE' }, 'sensitive-variables': ['key', 'nope'], builders: [{ type: 'fake-a', region: 'x' }] },
    });
    const message = errorOf(() => loadTemplate(join(dir, 't.json'), { registry: fakeRegistry().registry })).split(`${dir}/`).join('');
    expect(message).toBe('t.json: sensitive-variables[1]: "nope" is not declared in "variables"');
  });
  it('a variable default must be a string or null', () => {
    expect(setup({ region: { a: 1 } }).fail()).toBe('t.json: variables.region: must be a string or null');
  });
  it('renders -var values too, so they may use {{env}} and {{timestamp}}', () => {
    const { values } = setup({ region: 'r' }).load({ vars: { region: '{{env `REGION_ENV`}}' }, now: new Date(5000) });
    expect(values.region).toBe('us-east-2');
  });
});
