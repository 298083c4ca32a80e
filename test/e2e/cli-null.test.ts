import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

/**
 * The whole CLI against a real OpenSSH server: `bake build` with the null builder, shell and file
 * provisioners, sensitive variables, failures, Ctrl-C, machine-readable output.
 */
let sshd: TestSshd;
let dir: string;

function template(name: string, body: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body, null, 2));
  return path;
}

function nullBuilder(extra: object = {}) {
  return {
    type: 'null',
    ssh_host: sshd.host,
    ssh_port: String(sshd.port), // a string, as after interpolation: coerced like Packer does
    ssh_username: sshd.username,
    ssh_private_key_file: sshd.privateKeyPath,
    ssh_timeout: '20s',
    ...extra,
  };
}

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-'));
});

afterAll(async () => {
  await sshd?.stop();
});

describe('bake build with the null builder over real SSH', () => {
  it('runs shell and file provisioners in order and redacts sensitive values', async () => {
    const remote = join(dir, 'remote');
    writeFileSync(join(dir, 'app.conf'), 'port=8080\n');
    const t = template('ok.json', {
      variables: { greeting: 'hello', token: 'tok-9f8e7d' },
      'sensitive-variables': ['token'],
      builders: [nullBuilder()],
      provisioners: [
        { type: 'shell', inline: [`mkdir -p ${remote}`, 'echo "{{user `greeting`}} from $(hostname) token={{user `token`}}"'] },
        { type: 'file', source: join(dir, 'app.conf'), destination: `${remote}/app.conf` },
        { type: 'shell', environment_vars: ['WHO={{build_name}}'], inline: [`echo "$WHO/$PACKER_BUILDER_TYPE" > ${remote}/who`] },
      ],
    });
    const runs = join(dir, 'runs-ok');
    const r = await runBake(['build', t], { env: { BAKE_RUNS_DIR: runs } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('==> null: Provisioning with shell...');
    expect(r.stdout).toContain('token=<sensitive>');
    expect(r.stdout).not.toContain('tok-9f8e7d');
    expect(readFileSync(`${remote}/app.conf`, 'utf8')).toBe('port=8080\n');
    expect(readFileSync(`${remote}/who`, 'utf8')).toBe('null/null\n');
    expect(r.stdout).toMatch(/==> Builds finished\. The artifacts of successful builds are:\n--> null: did not export anything \(null builder\)\n$/);
    // The provenance's source is the machine, named by the host key the SSH connection verified.
    const prov = readdirSync(runs, { recursive: true }).map(String).find((f) => f.endsWith('provenance.intoto.jsonl'))!;
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(join(runs, prov), 'utf8')).payload, 'base64').toString());
    const hostKey = statement.predicate.runDetails.byproducts.find((b: { name: string }) => b.name === 'ssh-host-key');
    expect(statement.predicate.buildDefinition.resolvedDependencies[1]).toEqual({ name: 'source-image', uri: `ssh://${sshd.username}@${sshd.host}:${sshd.port}`, digest: { sshHostKeySha256: hostKey.digest.sha256 } });
  });

  it('names the failing inline line, its exit code and stderr, and exits 1', async () => {
    const t = template('fail.json', {
      builders: [nullBuilder({ name: 'box' })],
      provisioners: [{ type: 'shell', inline: ['true', 'echo oops >&2; exit 7'] }],
    });
    const r = await runBake(['build', t]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("==> box: Build 'box' errored: ");
    expect(r.stdout).toMatch(/--> box: .*inline\[1\].*7.*oops/);
  });

  it('prints JSON lines with -machine-readable', async () => {
    const t = template('mr.json', { builders: [nullBuilder()], provisioners: [{ type: 'shell', inline: ['echo hi'] }] });
    const r = await runBake(['build', '-machine-readable', t]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.every((e) => typeof e.time === 'string' && typeof e.level === 'string')).toBe(true);
    expect(events.some((e) => e.build === 'null' && e.level === 'output' && e.text === 'hi')).toBe(true);
  });

  it('reports an authentication failure as such, with exit 1', async () => {
    const wrongKey = join(dir, 'wrong_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    // Two refused handshakes, not Packer's ten a second apart: the retries are test/communicator/ssh-connect.test.ts's.
    const t = template('auth.json', { builders: [nullBuilder({ ssh_private_key_file: wrongKey, ssh_handshake_attempts: 2 })], provisioners: [{ type: 'shell', inline: ['true'] }] });
    const r = await runBake(['build', t]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/authentication/i);
  });

  it('on Ctrl-C stops the remote command, cleans up and exits 1', async () => {
    const marker = `bake-e2e-sleep-${process.pid}`;
    const t = template('int.json', {
      builders: [nullBuilder()],
      provisioners: [{ type: 'shell', inline: [`sh -c 'sleep 60; true' ${marker}`] }],
    });
    let sent = false;
    const started = Date.now();
    const r = await runBake(['build', t], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (existsRemote(marker)) {
            clearInterval(poll);
            sent = true;
            child.kill('SIGINT');
          }
        }, 100);
        child.on('exit', () => clearInterval(poll));
      },
      timeoutMs: 60_000,
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stdout).toContain('Interrupted: cancelling builds and cleaning up...');
    expect(r.stdout).toContain('--> null: aborted: interrupted');
    await new Promise((res) => setTimeout(res, 500));
    expect(existsRemote(marker)).toBe(false);
  });
});

describe('bake build -on-error=abort with the null builder', () => {
  it('exits as soon as the failure is reported and prints an ssh command that logs in', async () => {
    const t = template('abort.json', { builders: [nullBuilder()], provisioners: [{ type: 'shell', inline: ['exit 9'] }] });
    // Before the fix bake sat after the summary, holding the SSH connection, until killed.
    const r = await runBake(['build', '-on-error=abort', t], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('==> null: Warning: -on-error=abort: this build\'s resources are left in place for inspection\n');
    const line = /==> null: The machine: (ssh .*)\n/.exec(r.stdout)?.[1];
    expect(line).toBe(`ssh -i '${sshd.privateKeyPath}' -p ${sshd.port} ${sshd.username}@${sshd.host}`);
    // The test sshd's host key is in no known_hosts: say so to ssh, and never prompt.
    const cmd = line!.replace(/^ssh /, 'ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR ');
    expect(execFileSync('sh', ['-c', `${cmd} echo logged in as '$(id -un)'`], { encoding: 'utf8', timeout: 20_000 })).toBe(`logged in as ${sshd.username}\n`);
  });
});

/** Whether a process with this marker in its command line runs (the "remote" host is this machine). */
function existsRemote(marker: string): boolean {
  try {
    execFileSync('pgrep', ['-f', marker]);
    return true;
  } catch {
    return false;
  }
}

describe('bake validate, inspect and fmt', () => {
  it('reports every error at once with file and JSON path, exit 2', async () => {
    const t = template('bad.json', {
      variables: { region: null },
      builders: [{ type: 'null', ssh_hots: 'x', ssh_port: 'abc' }, { type: 'qemux' }],
    });
    const r = await runBake(['validate', t]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `Error: ${t}: variables.region: required variable not set; give it with -var region=… or in a -var-file`,
      `Error: ${t}: builders[0].ssh_hots: unknown key; did you mean "ssh_host"?`,
      `Error: ${t}: builders[0].ssh_port: must be an integer`,
      expect.stringMatching(new RegExp(`^Error: ${t.replace(/[.]/g, '\\.')}: builders\\[1\\]\\.type: unknown builder type "qemux"; known types: .*null.*`)),
    ]);
  });

  it('gives line:column for a JSON syntax error, without a stack trace', async () => {
    const path = join(dir, 'syntax.json');
    writeFileSync(path, '{\n  "builders": [\n    }\n');
    const r = await runBake([path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`Error: ${path}:3:5: unexpected token '}'\n    2:   "builders": [\n    3:     }\n           ^\n`);
  });

  it('says a valid template is valid, and that a missing file is missing', async () => {
    const t = template('good.json', { builders: [nullBuilder()] });
    expect(await runBake(['validate', t])).toMatchObject({ code: 0, stdout: 'The configuration is valid.\n' });
    const missing = await runBake(['validate', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Error: .*nope\.json.*\n$/);
  });

  it('records the null builder in the manifest as Packer does (artifact "Null"), with only bake\'s SBOM and provenance as files', async () => {
    const output = join(dir, 'null-manifest.json');
    const t = template('null-manifest.json.tpl', {
      builders: [{ type: 'null', name: 'edge', communicator: 'none' }],
      provisioners: [{ type: 'shell-local', inline: ['true'] }],
      'post-processors': [{ type: 'manifest', output, custom_data: { team: 'sre' } }],
    });
    const r = await runBake(['build', t]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(output, 'utf8'));
    expect(manifest.builds).toEqual([
      {
        name: 'edge',
        builder_type: 'null',
        build_time: expect.any(Number),
        files: [
          { name: expect.stringMatching(/\/edge\/sbom\.cdx\.json$/), size: expect.any(Number) },
          { name: expect.stringMatching(/\/edge\/provenance\.intoto\.jsonl$/), size: expect.any(Number) },
        ],
        artifact_id: 'Null',
        packer_run_uuid: manifest.last_run_uuid,
        custom_data: { team: 'sre', sbom_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    ]);
  });

  it('inspects without needing variables, masking sensitive defaults', async () => {
    const t = template('insp.json', {
      variables: { region: null, password: 'pw-123456' },
      'sensitive-variables': ['password'],
      builders: [{ type: 'null', name: 'edge', communicator: 'none' }],
      provisioners: [{ type: 'shell', inline: ['true'], only: ['edge'] }],
      'post-processors': [[{ type: 'manifest' }, 'checksum']],
    });
    const r = await runBake(['inspect', t]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Required variables:\n\n  region\n');
    expect(r.stdout).toContain('password = <sensitive>');
    expect(r.stdout).not.toContain('pw-123456');
    expect(r.stdout).toContain('  edge (null)');
    expect(r.stdout).toContain('  shell (only: edge)');
    expect(r.stdout).toContain('  0: manifest -> checksum');
  });

  it('fmt -check exits 3 on an unformatted file and fmt rewrites it', async () => {
    const path = join(dir, 'fmt.json');
    writeFileSync(path, '{"builders":[{"type":"null","communicator":"none"}]}');
    const check = await runBake(['fmt', '-check', path]);
    expect(check.code).toBe(3);
    expect(check.stdout).toBe(`${path}\n`);
    const mtime = statSync(path).mtimeMs;
    expect(statSync(path).mtimeMs).toBe(mtime);
    expect((await runBake(['fmt', path])).code).toBe(0);
    expect((await runBake(['fmt', '-check', path])).code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ builders: [{ type: 'null', communicator: 'none' }] });
  });

  it('refuses unknown flags and bad flag values with exit 2', async () => {
    const t = template('flags.json', { builders: [nullBuilder()] });
    const r = await runBake(['build', '-bogus', t]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Error: unknown option '-bogus'");
    const onError = await runBake(['build', '-on-error=ask', t]);
    expect(onError.code).toBe(2);
    expect(onError.stderr).toBe('Error: -on-error=ask: stdin is not a terminal, so nobody could answer; use -on-error=cleanup, or -on-error=abort to keep a failed build for inspection\n');
    const unknown = await runBake(['build', '-on-error=run-cleanup-provisioner', t]);
    expect(unknown.stderr).toBe('Error: -on-error=run-cleanup-provisioner: expected "cleanup", "abort" or "ask" (Packer\'s "run-cleanup-provisioner" is not supported)\n');
    expect(existsSync(t)).toBe(true);
  });
});
