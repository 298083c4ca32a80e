import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorList } from '../../../src/core/errors.js';
import { plugin, resolveStateConfig, StateProvisioner } from '../../../src/provisioners/state/index.js';
import { shortDiff } from '../../../src/provisioners/state/diff.js';
import { editLines } from '../../../src/provisioners/state/modules/file-line.js';
import { parseProbe, probeScript } from '../../../src/provisioners/state/probe.js';

const env = { file: 't.json', path: 'provisioners[1]', templateDir: process.cwd() };

function createError(states: Record<string, unknown>): string[] {
  try {
    plugin.create({ states } as never, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ErrorList);
    return (err as ErrorList).messages;
  }
  throw new Error('expected an error');
}

async function planIds(states: Record<string, unknown>): Promise<string[]> {
  const p = plugin.create({ states } as never, env) as StateProvisioner;
  return (await p.plan({ templateDir: process.cwd(), vars: {} })).map((s) => `${s.decl.id}:${s.decl.fn}`);
}

describe('state plan: bad input is reported before anything runs, naming the state', () => {
  it('needs a source of states', () => {
    expect(() => plugin.create({ test: true } as never, env)).toThrow('needs "states", "state_file" or "state_files"');
  });

  it('suggests the closest function name', () => {
    expect(createError({ nginx: { 'pkg.instaled': {} } })).toEqual(['t.json: provisioners[1].states.nginx: unknown function "pkg.instaled" (did you mean "pkg.installed"?)']);
    expect(createError({ x: { 'frobnicate.now': {} } })).toEqual(['t.json: provisioners[1].states.x: unknown function "frobnicate.now"']);
  });

  it('reports missing required and unknown arguments and wrong types, all at once', () => {
    expect(
      createError({
        '/etc/l': { 'file.symlink': {} },
        u: { 'user.present': { uid: 'abc', colour: 'red' } },
        l: { 'file.line': { name: '/etc/x', content: 'a', mode: 'sometimes' } },
      }),
    ).toEqual([
      't.json: provisioners[1].states./etc/l: file.symlink: missing required argument "target"',
      't.json: provisioners[1].states.u: user.present: unknown argument "colour"',
      't.json: provisioners[1].states.u: user.present: uid: must be integer',
      't.json: provisioners[1].states.l: file.line: mode: must be one of "ensure", "replace", "insert", "delete"',
    ]);
  });

  it('finds requisite cycles and unknown ids', () => {
    expect(createError({ a: { 'cmd.run': { require: ['b'] } }, b: { 'cmd.run': { watch: [{ cmd: 'a' }] } } })).toEqual([
      't.json: provisioners[1].states.a: requisite cycle: a → b → a',
    ]);
    expect(createError({ a: { 'cmd.run': { require: ['nope'] } }, b: { 'cmd.run': { onchanges: [{ file: 'a' }] } } })).toEqual([
      't.json: provisioners[1].states.a: require refers to unknown state "nope"',
      't.json: provisioners[1].states.b: onchanges refers to unknown state "file: a"',
    ]);
  });

  it('reports a source file that does not exist when planning, before the guest is touched', async () => {
    const p = plugin.create({ states: { '/etc/app.conf': { 'file.managed': { source: 'files/missing.conf' } } } } as never, env) as StateProvisioner;
    await expect(p.plan({ templateDir: '/srv/t', vars: {} })).rejects.toThrow(
      't.json: provisioners[1].states./etc/app.conf: file.managed: source file /srv/t/files/missing.conf does not exist or cannot be read',
    );
  });

  it('orders by requisites, otherwise by declaration (stable), and accepts Salt\'s list syntax and *_in', async () => {
    expect(
      await planIds({
        a: { 'cmd.run': {} },
        b: { 'cmd.run': [{ require: [{ pkg: 'c' }] }] },
        c: { pkg: ['installed', { name: 'hello' }] },
        d: { 'cmd.run': { require_in: ['a'] } },
        e: { 'cmd.run': {} },
      }),
    ).toEqual(['d:cmd.run', 'a:cmd.run', 'c:pkg.installed', 'b:cmd.run', 'e:cmd.run']);
  });

  it('refers to a state by its name as well as its id, and one id may declare several modules', async () => {
    expect(
      await planIds({
        svc: { 'service.running': { name: 'nginx', watch: [{ file: '/etc/nginx/nginx.conf' }] }, 'pkg.installed': { name: 'nginx' } },
        conf: { 'file.managed': { name: '/etc/nginx/nginx.conf', require: [{ pkg: 'nginx' }] } },
      }),
    ).toEqual(['svc:pkg.installed', 'conf:file.managed', 'svc:service.running']);
  });

  it('reads YAML state files, renders {{ .key }} from vars, and names an undefined one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-state-'));
    writeFileSync(join(dir, 'web.yaml'), 'motd:\n  file.managed:\n    - name: /etc/motd\n    - contents: "built by {{ .team }}"\n');
    const ok = plugin.create({ state_file: 'web.yaml', vars: { team: 'sre' } } as never, { ...env, templateDir: dir }) as StateProvisioner;
    const plan = await ok.plan({ templateDir: dir, vars: {} });
    expect(plan.map((s) => [s.decl.where, s.args.contents])).toEqual([['web.yaml: motd', 'built by sre']]);
    // At run time (the file may have changed since validation): the file is named once.
    const bad = new StateProvisioner(resolveStateConfig({ state_file: 'web.yaml' }), 't.json: provisioners[1].states.');
    await expect(bad.plan({ templateDir: dir, vars: { HTTPIP: '10.0.2.2' } })).rejects.toThrow(
      /^web\.yaml:4: template variable "team" is not defined \(known: HTTPIP; set it in the provisioner's "vars"\)$/,
    );
    const missing = new StateProvisioner(resolveStateConfig({ state_files: ['nope.yaml'] }), 't.json: provisioners[1].states.');
    await expect(missing.plan({ templateDir: dir, vars: {} })).rejects.toThrow('t.json: provisioners[1].state_files[0]: state file nope.yaml does not exist or cannot be read');
  });

  it('checks state files when the template is loaded (bake validate): every problem at once, each file named once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-state-'));
    writeFileSync(join(dir, 'web.yaml'), 'nginx:\n  pkg.instaled:\n    - name: nginx\nconf:\n  file.managed:\n    - name: /etc/x\n    - contents: "v={{ .versio }} on {{ .Host }}"\n');
    writeFileSync(join(dir, 'bad.yaml'), 'a: [1, 2\n');
    const create = (config: object) => {
      try {
        plugin.create(config as never, { ...env, templateDir: dir });
      } catch (err) {
        expect(err).toBeInstanceOf(ErrorList);
        return (err as ErrorList).messages;
      }
      return [];
    };
    expect(create({ state_file: 'web.yaml', state_files: ['bad.yaml', 'nope.yaml'], vars: { version: '1' }, states: { x: { 'cmd.rnu': {} } } })).toEqual([
      'web.yaml:7: template variable "versio" is not defined (did you mean "version"?) (known: version; set it in the provisioner\'s "vars")',
      'bad.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1',
      't.json: provisioners[1].state_files[1]: state file nope.yaml does not exist or cannot be read',
      'web.yaml: nginx: unknown function "pkg.instaled" (did you mean "pkg.installed"?)',
      't.json: provisioners[1].states.x: unknown function "cmd.rnu" (did you mean "cmd.run"?)',
    ]);
    // A builder's values ({{ .Host }}) are filled in at run time: not an error.
    writeFileSync(join(dir, 'ok.yaml'), 'conf:\n  cmd.run:\n    - name: "echo {{ .Host }}:{{ .Port }} {{ .v }}"\n');
    expect(create({ state_file: 'ok.yaml', vars: { v: '1' } })).toEqual([]);
  });
});

describe('file.line editing and the report diff', () => {
  const text = 'a=1\n#b=2\nc=3\n';
  it('edits lines per mode', () => {
    expect(editLines(text, { mode: 'ensure', content: 'b=5', match: '^#?b=', location: 'end' })).toBe('a=1\nb=5\nc=3\n');
    expect(editLines(text, { mode: 'ensure', content: 'd=4', match: '^d=', location: 'end' })).toBe('a=1\n#b=2\nc=3\nd=4\n');
    expect(editLines(text, { mode: 'insert', content: 'z', location: 'start' })).toBe('z\na=1\n#b=2\nc=3\n');
    expect(editLines(text, { mode: 'replace', content: 'x', match: '^nomatch', location: 'end' })).toBe(text);
    expect(editLines(text, { mode: 'delete', match: '^#', location: 'end' })).toBe('a=1\nc=3\n');
  });
  it('shows a short line diff', () => {
    expect(shortDiff('a\nb\nc\n', 'a\nB\nc\n')).toBe('+B\n-b');
    expect(shortDiff(undefined, 'x')).toBe('New file');
  });
});

describe('probe batches', () => {
  it('puts every state in its own section after the guest facts, and folds extra output lines into the last fact', () => {
    expect(probeScript(['echo a=1', 'echo b=2'])).toContain("printf '\\n@@%s\\n' 1\n{\necho b=2\n} </dev/null");
    const out = ['pm=apt', 'systemd=0', '', '@@0', 'passwd=root:x:0:0::/root:/bin/bash', 'groups=root', '', '@@1', 'keys=line one', 'line two', 'ActiveState=active'].join('\n');
    expect(parseProbe(out, 3)).toEqual({
      host: { pm: 'apt', systemd: false },
      facts: [{ passwd: 'root:x:0:0::/root:/bin/bash', groups: 'root' }, { keys: 'line one\x1fline two', ActiveState: 'active' }, {}],
    });
  });
});

