import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../../src/template/index.js';
import { errorOf, fakeRegistry, writeFiles } from '../fake-plugins.js';

const builders = [
  { type: 'fake-a', name: 'web', region: 'r' },
  { type: 'fake-b', name: 'db', region: 'r' },
];

function setup(extra: object) {
  const dir = writeFiles({ 't.json': { variables: { wait: '10s' }, builders, ...extra } });
  const { registry, created } = fakeRegistry();
  const load = () => loadTemplate(join(dir, 't.json'), { registry, env: {} });
  const fail = () => errorOf(load).split(`${dir}/`).join('');
  return { load, fail, created };
}

describe('provisioners', () => {
  it('filters by only/except per build and keeps template order', () => {
    const { load } = setup({
      provisioners: [
        { type: 'fake-shell', inline: ['all'] },
        { type: 'fake-shell', only: ['web'], inline: ['web only'] },
        { type: 'fake-shell', except: ['web'], inline: ['not web'] },
      ],
    });
    const plan = load();
    expect(plan.builds.map((b) => [b.name, b.provisioners.map((p) => p.path)])).toEqual([
      ['web', ['provisioners[0]', 'provisioners[1]']],
      ['db', ['provisioners[0]', 'provisioners[2]']],
    ]);
  });
  it('plans the top-level error-cleanup-provisioner per build (only/except too), outside the fingerprint; its errors name it', () => {
    const { load } = setup({ 'error-cleanup-provisioner': { type: 'fake-shell', only: ['db'], inline: ['undo'] } });
    const plan = load();
    expect(plan.builds.map((b) => [b.name, b.errorCleanupProvisioner?.path])).toEqual([
      ['web', undefined],
      ['db', 'error-cleanup-provisioner'],
    ]);
    expect(plan.builds[1].fingerprint?.provisioners).toEqual([]);
    expect(setup({ 'error-cleanup-provisioner': { type: 'fake-shell', inlin: ['x'] } }).fail()).toMatch(/^t\.json: error-cleanup-provisioner\.inlin: unknown key/);
  });
  it('remakes a provisioner or post-processor that uses {{ build `X` }} with the values, and only those', () => {
    const { load, created } = setup({
      provisioners: [{ type: 'fake-shell', inline: ['echo {{ build `Host` }} {{user `wait`}}'] }, { type: 'fake-shell', inline: ['plain'] }],
    });
    const [first, second] = load().builds[0].provisioners;
    expect(second.forBuild).toBeUndefined();
    first.forBuild!({ Host: '10.0.0.9' });
    expect(created.filter((c) => c.kind === 'provisioner').map((c) => c.config.inline)).toContainEqual(['echo 10.0.0.9 10s']);
  });
  it('takes a single value where a list is expected, as Packer does', () => {
    const { load, created } = setup({ provisioners: [{ type: 'fake-shell', only: 'web', inline: 'echo one' }] });
    expect(load().builds.map((b) => b.provisioners.length)).toEqual([1, 0]);
    expect(created.find((c) => c.kind === 'provisioner')?.config.inline).toEqual(['echo one']);
  });
  it('parses pause_before and timeout to ms and coerces max_retries', () => {
    const { load } = setup({
      provisioners: [{ type: 'fake-shell', pause_before: '{{user `wait`}}', timeout: '1h30m', max_retries: '3', inline: ['x'] }, { type: 'fake-shell' }],
    });
    const [first, second] = load().builds[0].provisioners;
    expect([first.pauseBeforeMs, first.timeoutMs, first.maxRetries]).toEqual([10_000, 5_400_000, 3]);
    expect([second.pauseBeforeMs, second.timeoutMs, second.maxRetries]).toEqual([0, 0, 0]);
  });
  it('merges override per build name over the config', () => {
    const { load, created } = setup({
      provisioners: [{ type: 'fake-shell', inline: ['base'], user: 'root', override: { db: { inline: ['for db'] } } }],
    });
    load();
    expect(created.filter((c) => c.kind === 'provisioner').map((c) => c.config)).toEqual([
      { inline: ['base'], user: 'root', execute_command: '{{.Vars}} sh {{.Path}}' },
      { inline: ['for db'], user: 'root', execute_command: '{{.Vars}} sh {{.Path}}' },
    ]);
  });
  it('interpolates build_name per build and leaves deferred keys untouched', () => {
    const { load, created } = setup({
      provisioners: [{ type: 'fake-shell', inline: ['echo {{build_name}} {{build_type}}'], execute_command: 'sudo {{.Vars}} {{user `nope`}} {{.Path}}' }],
    });
    load();
    const configs = created.filter((c) => c.kind === 'provisioner').map((c) => c.config);
    expect(configs.map((c) => c.inline[0])).toEqual(['echo web fake-a', 'echo db fake-b']);
    expect(configs[0].execute_command).toBe('sudo {{.Vars}} {{user `nope`}} {{.Path}}');
  });
  it('refuses unknown build names in only, except and override, and bad common keys', () => {
    const { fail } = setup({
      provisioners: [
        { type: 'fake-shell', only: ['wbe'], except: ['other'], override: { dbb: {} } },
        { type: 'fake-shell', pause_before: 'soon', max_retries: 'many', inlin: [] },
      ],
    });
    expect(fail().split('\n')).toEqual([
      't.json: provisioners[0].only[0]: unknown build name "wbe"; did you mean "web"?',
      't.json: provisioners[0].except[0]: unknown build name "other"; builds are "web", "db"',
      't.json: provisioners[0].override.dbb: unknown build name "dbb"; did you mean "db"?',
      't.json: provisioners[1].pause_before: must be a duration like "5m"',
      't.json: provisioners[1].max_retries: must be an integer',
      't.json: provisioners[1].inlin: unknown key; did you mean "inline"?',
    ]);
  });
  it('reports unknown plugin keys once, not once per build', () => {
    expect(setup({ provisioners: [{ type: 'fake-shell', inlin: ['x'] }] }).fail()).toBe(
      't.json: provisioners[0].inlin: unknown key; did you mean "inline"?',
    );
  });
  it('suggests a common key for a typo of one', () => {
    expect(setup({ provisioners: [{ type: 'fake-shell', pause_befor: '1s' }] }).fail()).toBe(
      't.json: provisioners[0].pause_befor: unknown key; did you mean "pause_before"?',
    );
  });
});

describe('post-processors', () => {
  it('makes a chain of one of each flat entry and a chain of each nested list; strings are types', () => {
    const { load, created } = setup({
      'post-processors': ['fake-manifest', [{ type: 'fake-compress', output: 'a.gz' }, 'fake-upload'], { type: 'fake-upload', keep_input_artifact: 'true' }],
    });
    const build = load().builds[0];
    expect(build.postProcessorChains.map((chain) => chain.map((p) => [p.type, p.path, p.keepInputArtifact]))).toEqual([
      [['fake-manifest', 'post-processors[0]', false]],
      [
        ['fake-compress', 'post-processors[1][0]', false],
        ['fake-upload', 'post-processors[1][1]', false],
      ],
      [['fake-upload', 'post-processors[2]', true]],
    ]);
    expect(created.find((c) => c.type === 'fake-compress')?.config).toEqual({ output: 'a.gz' });
    expect(created.find((c) => c.type === 'fake-manifest')?.config).toEqual({ output: 'out.txt' });
  });
  it('filters chain members by only/except per build and drops empty chains', () => {
    const { load } = setup({
      'post-processors': [
        [{ type: 'fake-compress', only: ['web'] }, 'fake-upload'],
        { type: 'fake-manifest', except: ['db'] },
      ],
    });
    const types = load().builds.map((b) => [b.name, b.postProcessorChains.map((c) => c.map((p) => p.type))]);
    expect(types).toEqual([
      ['web', [['fake-compress', 'fake-upload'], ['fake-manifest']]],
      ['db', [['fake-upload']]],
    ]);
  });
  it('refuses malformed entries and bad keys', () => {
    expect(setup({ 'post-processors': [{ output: 'x' }] }).fail()).toBe(
      't.json: post-processors[0]: must be a type name, an object with "type", or a list of those (a chain)',
    );
    expect(setup({ 'post-processors': [[{ type: 'fake-upload', keep_input_artifact: 'perhaps', outptu: 'x' }]] }).fail().split('\n')).toEqual([
      't.json: post-processors[0][0].keep_input_artifact: must be a boolean (true or false)',
      't.json: post-processors[0][0].outptu: unknown key; did you mean "output"?',
    ]);
    expect(setup({ 'post-processors': [[{ type: 'fake-upload', outptu: 'x' }]] }).fail()).toBe(
      't.json: post-processors[0][0].outptu: unknown key; did you mean "output"?',
    );
  });
});
