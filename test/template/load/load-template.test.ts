import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorList } from '../../../src/core/errors.js';
import { loadTemplate, render, type LoadOptions } from '../../../src/template/index.js';
import { errorOf, fakeRegistry, writeFiles } from '../fake-plugins.js';

const now = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

function setup(template: object | string, extra: Record<string, string | object> = {}) {
  const dir = writeFiles({ 't.json': template, ...extra });
  const { registry, created } = fakeRegistry();
  const file = join(dir, 't.json');
  const load = (options: Partial<LoadOptions> = {}) => loadTemplate(file, { registry, now, env: {}, ...options });
  const fail = (options: Partial<LoadOptions> = {}) => errorOf(() => load(options)).split(`${dir}/`).join('');
  return { dir, file, load, fail, created };
}

const builder = (extra: object = {}) => ({ type: 'fake-a', region: 'eu-west-1', ...extra });

describe('loadTemplate: reading', () => {
  it('reports JSON syntax errors with line and column', () => {
    expect(setup('{\n  "builders": [\n    { "type": "fake-a", }\n  ]\n}').fail()).toBe(
      "t.json:3:25: expected a property name in double quotes, found token '}'",
    );
    expect(setup('{\n  "builders": [ { "type": "fake-a" } \n  "provisioners": []\n}').fail()).toBe(
      "t.json:3:3: expected ',' or ']', found token '\"'",
    );
    expect(setup('{ "a": "x').fail()).toBe('t.json:1:8: unterminated string');
    expect(setup('').fail()).toBe('t.json:1:1: the file is empty');
    expect(setup('{} x').fail()).toBe("t.json:1:4: unexpected token 'x' after the end of the template");
  });
  it('names a missing template and refuses non-object and YAML templates', () => {
    const { dir } = setup({});
    expect(errorOf(() => loadTemplate(join(dir, 'nope.json'), { registry: fakeRegistry().registry })).split(`${dir}/`).join('')).toBe(
      'nope.json: cannot read the template: no such file',
    );
    expect(setup('[1]').fail()).toBe('t.json: a template must be a JSON object');
    expect(errorOf(() => loadTemplate('t.yaml', { registry: fakeRegistry().registry }))).toBe(
      "t.yaml: templates are JSON (as Packer's legacy templates); YAML is not a template format",
    );
  });
  it('warns about duplicate keys, whose last value is used as in Packer', () => {
    const { load, created, dir } = setup('{\n  "builders": [\n    { "type": "fake-a", "region": "a",\n      "region": "b" }\n  ]\n}');
    const plan = load();
    expect(created[0].config.region).toBe('b');
    expect(plan.warnings.map((w) => w.split(`${dir}/`).join(''))).toEqual(['t.json:4:7: duplicate key "region"; the last one is used']);
  });
    it('ignores _comment keys anywhere and underscore keys at the top of blocks', () => {
    const { load, created } = setup({
      _comment: 'top',
      _note: 'also ignored at the top',
      description: 'demo',
      min_packer_version: '1.6.0',
      $schema: './bake.schema.json',
      builders: [builder({ _comment: 'b', _todo: 'x', tags: { Name: 'n', _comment: 'nested' } })],
      provisioners: [{ type: 'fake-shell', _comment: 'p', inline: ['true'] }],
    });
    const plan = load();
    expect(plan.description).toBe('demo');
    expect(created[0].config.tags).toEqual({ Name: 'n' });
    expect(created[0].config).not.toHaveProperty('_todo');
  });
  it('accepts the retired Atlas `push` block as Packer 1.6.6 does, with a warning that it is ignored', () => {
    const { load, dir } = setup({ builders: [builder()], push: { name: 'acme/web', vcs: true, base_dir: '.' } });
    const plan = load();
    expect(plan.builds).toHaveLength(1);
    expect(plan.warnings.map((w) => w.split(`${dir}/`).join(''))).toEqual(['t.json: push: ignored (Atlas push, retired by HashiCorp; bake builds where it runs)']);
  });
  it('reports unknown top-level keys with a did-you-mean, and a missing builders list', () => {
    expect(setup({ builders: [builder()], provisoners: [] }).fail()).toBe('t.json: provisoners: unknown key; did you mean "provisioners"?');
    expect(setup({ variables: {} }).fail()).toBe('t.json: builders: required');
    expect(setup({ builders: [] }).fail()).toBe('t.json: builders: at least one builder is needed');
    expect(setup({ builders: [{ region: 'x' }] }).fail()).toBe('t.json: builders[0].type: required');
  });
  it('syntaxOnly checks the envelope only and plans no builds', () => {
    const { load } = setup({ variables: { a: null, b: 'x' }, builders: [{ type: 'no-such-builder', whatever: 1 }] });
    const plan = load({ syntaxOnly: true });
    expect(plan.builds).toEqual([]);
    expect(plan.variables).toEqual([
      { name: 'a', value: '', sensitive: false },
      { name: 'b', value: 'x', sensitive: false },
    ]);
  });
  it('throws an ErrorList with exit code 2', () => {
    const { load } = setup({ builders: [{ type: 'fake-a' }] });
    try {
      load();
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(ErrorList);
      expect((err as ErrorList).exitCode).toBe(2);
    }
  });
});

describe('loadTemplate: builds', () => {
  it('creates each builder with its interpolated, coerced, defaulted config', () => {
    const { load, created, dir } = setup({
      variables: { port: '2222', on: 'true' },
      builders: [builder({ ssh_port: '{{user `port`}}', enabled: '{{user `on`}}', ami_name: 'img-{{timestamp}}-{{build_name}}' })],
    });
    const plan = load();
    expect(plan.builds.map((b) => [b.name, b.type, b.path])).toEqual([['fake-a', 'fake-a', 'builders[0]']]);
    expect(created[0].config).toEqual({
      region: 'eu-west-1',
      ssh_port: 2222,
      enabled: true,
      ami_name: `img-${now.getTime() / 1000}-fake-a`,
      ssh_timeout: '5m',
      count: 1,
    });
    expect(created[0].env).toEqual({ file: join(dir, 't.json'), path: 'builders[0]', templateDir: dir });
  });
  it('{{timestamp}} at read time and in a plugin\'s later render() is one value', async () => {
    const { load, created } = setup({ builders: [builder({ ami_name: '{{timestamp}}' })] });
    load({ now: undefined });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(created[0].config.ami_name).toBe(render('{{timestamp}}'));
  });
  it('keeps .Field actions for the plugin to render later', () => {
    const { load, created } = setup({ builders: [builder({ ami_name: 'from-{{ .SourceAMI }}-{{isotime "2006"}}' })] });
    load();
    expect(created[0].config.ami_name).toBe('from-{{ .SourceAMI }}-2024');
  });
  it('names builds by name, default type, and refuses duplicates', () => {
    const { load } = setup({ builders: [builder({ name: 'one' }), builder(), { ...builder(), type: 'fake-b' }] });
    expect(load().builds.map((b) => b.name)).toEqual(['one', 'fake-a', 'fake-b']);
    expect(setup({ builders: [builder(), builder()] }).fail()).toBe(
      't.json: builders[1].name: build name "fake-a" is already used by builders[0]; give each builder a unique "name"',
    );
  });
  it('lists the known types for an unknown one', () => {
    expect(setup({ builders: [{ type: 'fake-c' }] }).fail()).toBe(
      't.json: builders[0].type: unknown builder type "fake-c"; known types: fake-a, fake-b; did you mean "fake-a"?',
    );
    expect(setup({ builders: [builder()], provisioners: [{ type: 'ansible' }] }).fail()).toBe(
      't.json: provisioners[0].type: unknown provisioner type "ansible"; known types: fake-shell',
    );
    expect(setup({ builders: [builder()], 'post-processors': ['fake-manifset'] }).fail()).toBe(
      't.json: post-processors[0].type: unknown post-processor type "fake-manifset"; known types: fake-compress, fake-manifest, fake-upload; did you mean "fake-manifest"?',
    );
  });
  it('reports every validation error at once with exact messages', () => {
    const { fail } = setup({
      builders: [
        builder({ ssh_port: '70000', ssh_timeout: '5 minutes', ssh_prot: 22 }),
        { type: 'fake-b', enabled: 'maybe', count: -1, tags: { a: {} } },
      ],
    });
    expect(fail().split('\n')).toEqual([
      't.json: builders[0].ssh_prot: unknown key; did you mean "ssh_port"?',
      't.json: builders[0].ssh_port: must be ≤ 65535',
      't.json: builders[0].ssh_timeout: must be a duration like "5m"',
      't.json: builders[1].region: required',
      't.json: builders[1].enabled: must be a boolean (true or false)',
      't.json: builders[1].count: must be ≥ 0',
      't.json: builders[1].tags.a: must be a string',
    ]);
  });
  it('decodes weakly as Packer: an empty string unsets a number or boolean, Go spellings of booleans', () => {
    const { load, created } = setup({
      variables: { port: '', flag: 'T' },
      builders: [builder({ ssh_port: '{{user `port`}}', count: '', enabled: '{{user `flag`}}', tags: { a: '' } })],
      provisioners: [{ type: 'fake-shell', max_retries: '' }],
      'post-processors': [{ type: 'fake-upload', keep_input_artifact: '1' }],
    });
    const plan = load();
    expect(created[0].config).toEqual({ region: 'eu-west-1', enabled: true, count: 1, ssh_timeout: '5m', tags: { a: '' } });
    expect(plan.builds[0].provisioners[0].maxRetries).toBe(0);
    expect(plan.builds[0].postProcessorChains[0][0].keepInputArtifact).toBe(true);
    const off = setup({ builders: [builder({ enabled: 'False' })] });
    off.load();
    expect(off.created[0].config.enabled).toBe(false);
    expect(setup({ builders: [builder({ enabled: 'yes' })] }).fail()).toBe('t.json: builders[0].enabled: must be a boolean (true or false)');
  });
  it('refuses a value that cannot be coerced, naming the key', () => {
    expect(setup({ builders: [builder({ ssh_port: 'twenty-two' })] }).fail()).toBe('t.json: builders[0].ssh_port: must be an integer');
  });
  it('warns about and drops unsupported options that cannot change the result; refuses the others', () => {
    const { load, created, dir } = setup({ builders: [builder({ ebs_optimized: true })] });
    const plan = load();
    expect(plan.warnings.map((w) => w.split(`${dir}/`).join(''))).toEqual([
      "t.json: builders[0].ebs_optimized: not supported by bake's fake-a builder: instances are EBS-optimized by default (ignored)",
    ]);
    expect(created[0].config).not.toHaveProperty('ebs_optimized');
    expect(setup({ builders: [builder({ ssh_proxy_host: 'p' })] }).fail()).toBe(
      "t.json: builders[0].ssh_proxy_host: not supported by bake's fake-a builder: SOCKS proxies are not supported; use ssh_bastion_host",
    );
  });
  it('collects plugin-sensitive values and sensitive variables for redaction', () => {
    const { load } = setup({
      variables: { token: 's3cr3t-token', plain: 'visible' },
      'sensitive-variables': ['token'],
      builders: [builder({ password: 'hunter22' })],
    });
    const plan = load();
    expect(plan.sensitiveValues.sort()).toEqual(['hunter22', 's3cr3t-token']);
    expect(plan.variables).toEqual([
      { name: 'token', value: 's3cr3t-token', sensitive: true },
      { name: 'plain', value: 'visible', sensitive: false },
    ]);
  });
  it('never shows a sensitive value in an error', () => {
    const { fail } = setup({
      variables: { token: 'abc-def' },
      'sensitive-variables': ['token'],
      builders: [builder({ ami_name: '{{ split (user `token`) "-" 7 }}' })],
    });
    expect(fail()).toBe(
      't.json: builders[0].ami_name: split: part 7 of "<sensitive>" split by "-" does not exist (2 parts) in {{ split (user `token`) "-" 7 }}',
    );
  });
  it('reports template errors in configs with their JSON path, all at once', () => {
    const { fail } = setup({
      builders: [builder({ ami_name: '{{foo}}', tags: { Name: '{{ user `nope` }}' } })],
      provisioners: [{ type: 'fake-shell', inline: ['ok', 'echo {{env `HOME`}}'] }],
    });
    expect(fail().split('\n')).toEqual([
      't.json: builders[0].ami_name: unknown function "foo" in {{foo}}',
      't.json: builders[0].tags.Name: variable "nope" is not declared in "variables" in {{ user `nope` }}',
      't.json: provisioners[0].inline[1]: env is only allowed in the defaults of "variables" (as in Packer) in {{env `HOME`}}',
    ]);
  });
});
