import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalCommunicator } from '../../../src/communicator/local.js';
import { plugin, type ShellConfig } from '../../../src/provisioners/shell/index.js';
import { envVarFilePath, resolveShell } from '../../../src/provisioners/shell/resolve.js';
import { makeProvisionContext, recordingBus } from '../../helpers/context.js';

/** The shell provisioner's logic against the local machine; the SSH suite runs the same kind of checks over sshd. */
const env = { file: 't.json', path: 'provisioners[0]', templateDir: '.' };
/** The template layer applies the schema's defaults; resolveShell applies them too, so tests may omit them. */
const create = (config: Record<string, unknown>) => plugin.create(config as ShellConfig, env);
const tmp = () => mkdtempSync(join(tmpdir(), 'bake-shell-'));

async function run(config: Record<string, unknown>, ctx = makeProvisionContext()) {
  const remote = tmp();
  const p = create({ remote_folder: remote, ...config });
  await p.run(ctx, new LocalCommunicator());
  return { ctx, remote, outputs: ctx.events.filter((e) => e.level === 'output').map((e) => e.text) };
}

describe('shell provisioner (local machine)', () => {
  it('gives every build its own remote script and variable file names (parallel builds on one host share /tmp)', () => {
    // 17 null builds with 2 shell steps each on one host once drew the same script_NNNN.sh: one
    // build ran the other's half-written script. 1,000 names are all distinct (4 digits: dozens alike).
    const scripts = Array.from({ length: 1000 }, () => resolveShell({ inline: ['true'] } as ShellConfig, env).remotePath);
    for (const path of scripts) expect(path).toMatch(/^\/tmp\/script_[0-9a-f]{12}\.sh$/);
    expect(new Set(scripts).size).toBe(1000);
    const varFiles = Array.from({ length: 1000 }, () => envVarFilePath('/tmp'));
    for (const path of varFiles) expect(path).toMatch(/^\/tmp\/varfile_[0-9a-f]{12}\.sh$/);
    expect(new Set(varFiles).size).toBe(1000);
  });

  it('runs inline lines in one shell with Packer and bake variables, quoted safely', async () => {
    const { outputs } = await run({
      inline: ['cd /', 'echo "dir=$(pwd) $PACKER_BUILD_NAME $PACKER_BUILDER_TYPE $BAKE_BUILD_NAME $BAKE_BUILDER_TYPE"', 'echo "A=$A"', 'echo "B=$B"'],
      environment_vars: [`A=it's "x" $HOME \`id\``, 'B=from-list'],
      env: { B: 'from-env' },
    });
    expect(outputs).toEqual(['dir=/ test test test test', `A=it's "x" $HOME \`id\``, 'B=from-env']);
  });

  it('names the failing inline line, its exit code and the stderr tail, and hides its tracking', async () => {
    const { ctx } = await run({ inline: ['echo ok', 'echo boom >&2', 'exit 7', 'echo never'] }).then(
      () => ({ ctx: undefined }),
      (err: Error) => {
        expect(err.message).toBe('shell provisioner: inline[2] "exit 7" exited with 7: boom');
        return { ctx: err };
      },
    );
    expect(ctx).toBeInstanceOf(Error);
    const c = makeProvisionContext();
    await expect(run({ inline: ['true', 'ls /definitely-missing-dir'] }, c)).rejects.toThrow(
      "shell provisioner: inline[1] \"ls /definitely-missing-dir\" exited with 2: ls: cannot access '/definitely-missing-dir': No such file or directory",
    );
    expect(c.events.map((e) => e.text).join('\n')).not.toContain('__BAKE');
  });

  it('names the failing line within a multi-line inline element, keeping if-blocks intact', async () => {
    const c = makeProvisionContext();
    await expect(
      run({ inline: ['echo start', 'set -e\nif true; then\n  echo inside\nfi\necho "no such package" >&2; exit 100\necho never'] }, c),
    ).rejects.toThrow('shell provisioner: inline[1] line 5 "echo \\"no such package\\" >&2; exit 100" exited with 100: no such package');
    expect(c.events.filter((e) => e.level === 'output').map((e) => e.text)).toEqual(['start', 'inside', 'no such package']);
    await expect(run({ inline: ['true\nexit 3'] })).rejects.toThrow('shell provisioner: inline[0] line 2 "exit 3" exited with 3 (nothing on stderr)');
  });

  it('falls back to "inline commands" when tracking could change what the lines mean', async () => {
    await expect(run({ inline: ['cat <<EOF >&2', 'heredoc line', 'EOF', 'exit 4'] })).rejects.toThrow(
      'shell provisioner: inline commands exited with 4: heredoc line',
    );
    await expect(run({ inline: ['exit 5'], inline_shebang: '/usr/bin/env python3' }).catch((e: Error) => e.message)).resolves.toMatch(
      /^shell provisioner: inline commands exited with 1: /,
    );
  });

  it('runs scripts in order with LF line endings, removes them, and reports the script that failed', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.sh'), '#!/bin/sh\r\necho "a $PACKER_BUILD_NAME"\r\n');
    writeFileSync(join(dir, 'b.sh'), '#!/bin/sh\necho b-err >&2\nexit 3\n');
    const remote = tmp();
    const ctx = makeProvisionContext();
    const p = create({ scripts: [join(dir, 'a.sh'), join(dir, 'b.sh')], remote_folder: remote, remote_file: 's.sh' });
    await expect(p.run(ctx, new LocalCommunicator())).rejects.toThrow(`shell provisioner: scripts[1] "${join(dir, 'b.sh')}" exited with 3: b-err`);
    expect(ctx.events.filter((e) => e.level === 'output').map((e) => e.text)).toEqual(['a test', 'b-err']);
    expect(existsSync(join(remote, 's.sh'))).toBe(false);
  });

  it('keeps the script with skip_clean, honours valid_exit_codes, and says which codes were valid', async () => {
    const remote = tmp();
    const path = join(remote, 'kept.sh');
    await run({ inline: ['exit 3'], remote_path: path, skip_clean: true, valid_exit_codes: [0, 3] });
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect(readFileSync(path, 'utf8')).toMatch(/^#!\/bin\/sh -e\n/);
    await expect(run({ inline: ['exit 4'], valid_exit_codes: [0, 3] })).rejects.toThrow(
      'shell provisioner: inline[0] "exit 4" exited with 4 (valid_exit_codes: 0, 3) (nothing on stderr)',
    );
  });

  it('renders execute_command with {{.Vars}} and {{.Path}}; a password piped to it stays redacted', async () => {
    const { bus, events } = recordingBus();
    bus.addSecret('s3cret-pw');
    const ctx = makeProvisionContext({ log: bus.logger('test') });
    await run(
      {
        inline: ['read pw; echo "got $pw as $(id -un) with X=$X"'],
        environment_vars: ['X=1'],
        execute_command: "echo 's3cret-pw' | sh -c '{{ .Vars }} {{ .Path }}'",
      },
      ctx,
    );
    expect(events.filter((e) => e.level === 'output').map((e) => e.text)).toEqual([`got <sensitive> as ${process.env.USER ?? 'root'} with X=1`]);
  });

  it('sources variables from a file with use_env_var_file and removes it', async () => {
    const remote = tmp();
    const ctx = makeProvisionContext();
    await run({ inline: ['echo "$Q|$PACKER_BUILD_NAME"'], environment_vars: ["Q=a'b c"], use_env_var_file: true, remote_folder: remote }, ctx);
    expect(ctx.events.filter((e) => e.level === 'output').map((e) => e.text)).toEqual(["a'b c|test"]);
  });

  it('reports a command killed by a signal, unless a disconnect is expected', async () => {
    // $PPID is the shell running execute_command, i.e. what the communicator waits for.
    await expect(run({ inline: ['echo bye >&2', 'kill -9 $PPID'] })).rejects.toThrow(
      'shell provisioner: inline commands was killed by signal KILL: bye',
    );
    await run({ inline: ['kill -9 $PPID'], expect_disconnect: true });
  });

  it('pauses after the last script with pause_after', async () => {
    const ctx = makeProvisionContext();
    const started = Date.now();
    await run({ inline: ['true'], pause_after: '300ms' }, ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(ctx.events.map((e) => e.text)).toContain('Pausing 300ms after this provisioner...');
  });

  it('refuses bad configs when the template is read', () => {
    expect(() => create({ inline: ['x'], script: 'a.sh' })).toThrow(
      't.json: provisioners[0]: needs only one of "inline", "script" or "scripts" (got "inline" and "script")',
    );
    expect(() => create({})).toThrow('t.json: provisioners[0]: needs one of "inline", "script" or "scripts"');
    expect(() => create({ scripts: ['nope.sh'] })).toThrow(
      `t.json: provisioners[0].scripts[0]: script "nope.sh" not found (relative to the working directory ${process.cwd()})`,
    );
    expect(() => create({ inline: ['x'], environment_vars: ['OK=1', 'NOEQUALS'] })).toThrow(
      't.json: provisioners[0].environment_vars[1]: "NOEQUALS" must look like KEY=value',
    );
  });
});
