import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';

/** The template layer through the real CLI: interpolation reaching a provisioner, and bad templates. */
let dir: string;

function write(name: string, body: object | string): string {
  writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  return name;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-template-'));
});

describe('templates through bake', () => {
  it('renders variables, var-files, -var and functions into what a provisioner runs', async () => {
    write('vars.json', { who: 'from-file', size: 'L' });
    const t = write('ok.json', {
      _comment: 'ignored',
      variables: { who: 'default', size: 'S', shout: '{{env `BAKE_TPL_TEST`}}' },
      builders: [{ type: 'null', name: 'local', communicator: 'none' }],
      provisioners: [
        {
          type: 'shell-local',
          inline: ['echo "result: {{user `who`}} {{user `size`}} {{user `shout` | upper}} {{build_name}} {{build_type}} {{ split `a-b` `-` 1 }}"'],
        },
      ],
    });
    const run = await runBake(['build', '-var-file', 'vars.json', '-var', 'size=XL', t], { cwd: dir, env: { BAKE_TPL_TEST: 'loud' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('result: from-file XL LOUD local null b');
  });

  it('bake validate reports every problem at once, one line each, exit 2', async () => {
    const t = write('bad.json', {
      variables: { region: null },
      builders: [{ type: 'null', communicator: 'none', ssh_prot: 22 }],
    });
    const run = await runBake(['validate', t], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.json: variables.region: required variable not set; give it with -var region=… or in a -var-file');
    const fixedVars = await runBake(['validate', '-var', 'region=x', t], { cwd: dir });
    expect(fixedVars.code).toBe(2);
    expect(fixedVars.stderr).toContain('bad.json: builders[0].ssh_prot: unknown key; did you mean "ssh_port"?');
    expect(fixedVars.stderr).not.toContain('    at ');
  });

  it('gives line:column for malformed JSON and names an unknown function', async () => {
    const broken = write('broken.json', '{\n  "builders": [\n    { "type": "null", }\n  ]\n}\n');
    const run = await runBake(['validate', broken], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("broken.json:3:23: expected a property name in double quotes, found token '}'");

    const fn = write('fn.json', { builders: [{ type: 'null', communicator: 'none', name: 'x-{{ foo }}' }] });
    const fnRun = await runBake(['validate', fn], { cwd: dir });
    expect(fnRun.code).toBe(2);
    expect(fnRun.stderr).toContain('fn.json: builders[0].name: unknown function "foo" in {{ foo }}');
  });

  it('-syntax-only skips plugin checks', async () => {
    const t = write('syntax.json', { builders: [{ type: 'null', not_an_option: true }] });
    const run = await runBake(['validate', '-syntax-only', t], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
