import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalCommunicator } from '../../../src/communicator/local.js';
import { plugin, type ShellLocalConfig } from '../../../src/provisioners/shell-local/index.js';
import { makeProvisionContext } from '../../helpers/context.js';

const env = { file: 't.json', path: 'provisioners[2]', templateDir: '.' };
const create = (config: Record<string, unknown>) => plugin.create(config as ShellLocalConfig, env);
const tmp = () => mkdtempSync(join(tmpdir(), 'bake-sl-'));

async function run(config: Record<string, unknown>, ctx = makeProvisionContext({ buildName: 'web', buildType: 'qemu' })) {
  await create(config).run(ctx, new LocalCommunicator());
  return ctx.events.filter((e) => e.level === 'output').map((e) => e.text);
}

describe('shell-local provisioner', () => {
  it('runs a command with the build variables in its environment and in {{.Vars}}', async () => {
    const out = await run({
      command: 'echo "$PACKER_BUILD_NAME $PACKER_BUILDER_TYPE $BAKE_BUILD_NAME $BAKE_BUILDER_TYPE $A"',
      environment_vars: ["A=x'y"],
    });
    expect(out).toEqual(["web qemu web qemu x'y"]);
    const viaVars = await run({
      inline: ['echo "$A"'],
      environment_vars: ['A=only via vars'],
      execute_command: ['/usr/bin/env', '-i', '/bin/sh', '-c', '{{.Vars}} {{.Script}}'],
    });
    expect(viaVars).toEqual(['only via vars']);
  });

  it('runs inline commands in one shell and names the failing line', async () => {
    const dir = tmp();
    await expect(run({ inline: [`cd ${dir}`, 'touch made-here', 'echo nope >&2; exit 9'] })).rejects.toThrow(
      'shell-local provisioner: inline[2] "echo nope >&2; exit 9" exited with 9: nope',
    );
    expect(readFileSync(join(dir, 'made-here'), 'utf8')).toBe('');
  });

  it('runs scripts in order and reports the failing one', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.sh'), '#!/bin/sh\necho "a $1"\n', { mode: 0o755 });
    writeFileSync(join(dir, 'b.sh'), '#!/bin/sh\necho broken >&2\nexit 2\n', { mode: 0o755 });
    const ctx = makeProvisionContext();
    await expect(run({ scripts: [join(dir, 'a.sh'), join(dir, 'b.sh')] }, ctx)).rejects.toThrow(
      `shell-local provisioner: scripts[1] "${join(dir, 'b.sh')}" exited with 2: broken`,
    );
    expect(ctx.events.filter((e) => e.level === 'output').map((e) => e.text)).toEqual(['a ', 'broken']);
  });

  it('honours valid_exit_codes and only_on', async () => {
    await run({ command: 'exit 3', valid_exit_codes: [3] });
    const ctx = makeProvisionContext();
    await run({ command: 'exit 1', only_on: ['darwin'] }, ctx);
    expect(ctx.events.map((e) => e.text)).toEqual(['Skipping shell-local provisioner: only_on is darwin and this is linux']);
  });

  it('refuses two of command, inline, script and scripts', () => {
    expect(() => create({ command: 'a', inline: ['b'] })).toThrow(
      't.json: provisioners[2]: needs only one of "command", "inline", "script" or "scripts" (got "command" and "inline")',
    );
  });
});
