import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

/** shell, file and shell-local through `bake build` with the null builder against a real sshd. */
let sshd: TestSshd;
let dir: string;

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-prov-'));
});
afterAll(async () => sshd?.stop());

function template(name: string, body: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body, null, 2));
  return path;
}

const builder = () => ({
  type: 'null',
  name: 'web',
  ssh_host: sshd.host,
  ssh_port: sshd.port,
  ssh_username: sshd.username,
  ssh_private_key_file: sshd.privateKeyPath,
  ssh_timeout: '20s',
});

describe('provisioners through bake build', () => {
  it('runs a script through a sudo-style execute_command whose password stays redacted, uploads and downloads trees', async () => {
    const remote = join(dir, 'remote');
    mkdirSync(join(dir, 'site', 'css'), { recursive: true });
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>hi</h1>\n');
    writeFileSync(join(dir, 'site', 'css', 'a.css'), 'body{}\n', { mode: 0o600 });
    writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\r\nread pw\r\necho "pw=$pw user=$(id -un) build=$PACKER_BUILD_NAME mode=$MODE"\r\n');
    const t = template('prov.json', {
      variables: { sudo_pw: 'pw-Zx81q', mode: 'prod' },
      'sensitive-variables': ['sudo_pw'],
      builders: [builder()],
      provisioners: [
        { type: 'shell', inline: [`mkdir -p ${remote}`] },
        {
          type: 'shell',
          script: join(dir, 'setup.sh'),
          environment_vars: ['MODE={{user `mode`}}'],
          execute_command: "echo '{{user `sudo_pw`}}' | sh -c '{{.Vars}} {{.Path}}'",
        },
        { type: 'file', source: join(dir, 'site') + '/', destination: `${remote}/www` },
        { type: 'file', source: `${remote}/www/css/a.css`, destination: join(dir, 'back') + '/', direction: 'download' },
        { type: 'shell-local', inline: ['echo "local $PACKER_BUILD_NAME/$PACKER_BUILDER_TYPE"'] },
      ],
    });
    const r = await runBake(['build', t], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`    web: pw=<sensitive> user=root build=web mode=prod\n`);
    expect(r.stdout).not.toContain('pw-Zx81q');
    expect(r.stdout).toContain('    web: local web/null\n');
    expect(readFileSync(join(remote, 'www', 'index.html'), 'utf8')).toBe('<h1>hi</h1>\n');
    expect(statSync(join(remote, 'www', 'css', 'a.css')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'back', 'a.css'), 'utf8')).toBe('body{}\n');
  });

  it('fails the build with the script, exit code and stderr tail, exit 1', async () => {
    writeFileSync(join(dir, 'broken.sh'), '#!/bin/sh\necho "E: Unable to locate package nginxx" >&2\nexit 100\n');
    const t = template('broken.json', { builders: [builder()], provisioners: [{ type: 'shell', scripts: ['broken.sh'] }] });
    const r = await runBake(['build', t], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `==> web: Build 'web' errored: shell provisioner: scripts[0] "broken.sh" exited with 100: E: Unable to locate package nginxx\n`,
    );
  });

  it('refuses a missing script, a missing file source and inline together with script, exit 2', async () => {
    const t = template('bad.json', {
      builders: [builder()],
      provisioners: [
        { type: 'shell', script: 'nope.sh' },
        { type: 'file', source: 'nope.txt', destination: '/tmp/' },
        { type: 'shell', inline: ['true'], script: 'broken.sh' },
      ],
    });
    const r = await runBake(['validate', t], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${t}: provisioners[0].script: script "nope.sh" not found (relative to the working directory ${dir})`);
    expect(r.stderr).toContain(`${t}: provisioners[1].source: "nope.txt" does not exist (relative to the working directory ${dir}; set "generated": true if the build creates it)`);
    expect(r.stderr).toContain(`${t}: provisioners[2]: needs only one of "inline", "script" or "scripts" (got "inline" and "script")`);
  });
});
