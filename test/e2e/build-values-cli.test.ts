import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

/**
 * Packer's build values (HCL2 `build.*`, JSON {{ build `X` }}) filled in when the build runs, and
 * the error-cleanup provisioner, through the CLI against a real OpenSSH server with the null builder.
 */
let sshd: TestSshd;
let dir: string;

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'bake-build-values-'));
});

afterAll(async () => {
  await sshd?.stop();
});

function nullSource(): string {
  return `source "null" "box" {
  ssh_host             = "${sshd.host}"
  ssh_port             = ${sshd.port}
  ssh_username         = "${sshd.username}"
  ssh_private_key_file = "${sshd.privateKeyPath}"
  ssh_timeout          = "20s"
}
`;
}

const read = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('build.* at run time (HCL2)', () => {
  it('a shell provisioner and a shell-local post-processor get the build values; the key and run UUID agree; secrets stay out of the log', async () => {
    const t = join(dir, 'values.pkr.hcl');
    writeFileSync(
      t,
      `${nullSource()}
build {
  name    = "vals"
  sources = ["source.null.box"]
  provisioner "shell" {
    environment_vars = ["BUILD_ID=\${build.ID}", "BUILD_HOST=\${build.Host}", "BUILD_PORT=\${build.Port}", "BUILD_USER=\${build.User}", "CONN=\${build.ConnType}", "RUN=\${build.PackerRunUUID}", "PUB=\${build.SSHPublicKey}"]
    inline           = ["echo \\"$BUILD_ID $BUILD_HOST:$BUILD_PORT $BUILD_USER $CONN $RUN\\" > ${dir}/prov", "echo \\"$PUB\\" > ${dir}/pub"]
  }
  provisioner "shell" {
    inline = ["printf '%s' \\"\${build.SSHPrivateKey}\\" > ${dir}/key", "cat ${dir}/key"]
  }
  post-processor "shell-local" {
    inline = ["echo \\"\${build.ID} \${build.Host} \${build.PackerRunUUID} \${build.name}\\" > ${dir}/pp"]
  }
}
`,
    );
    const v = await runBake(['validate', t]);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    const r = await runBake(['build', t]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [id, hostPort, user, conn, run] = read('prov').trim().split(' ');
    expect([id, hostPort, user, conn]).toEqual(['ERR_ID_NOT_IMPLEMENTED_BY_BUILDER', `${sshd.host}:${sshd.port}`, sshd.username, 'ssh']);
    expect(run).toMatch(/^[0-9a-f-]{36}$/);
    expect(read('pub').trim()).toBe(readFileSync(`${sshd.privateKeyPath}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' '));
    const key = readFileSync(sshd.privateKeyPath, 'utf8');
    expect(read('key')).toBe(key);
    expect(read('pp').trim()).toBe(`ERR_ID_NOT_IMPLEMENTED_BY_BUILDER ${sshd.host} ${run} vals`);
    // The key's body lines never reach the log, though `cat` printed them.
    const body = key.split('\n').filter((l) => l.length >= 8 && !l.startsWith('-----'));
    for (const line of body) expect(r.stdout).not.toContain(line);
    expect(r.stdout).toContain('<sensitive>');
  });

  it('{{ build `X` }} in a JSON template gets the same values', async () => {
    const t = join(dir, 'values.json');
    writeFileSync(
      t,
      JSON.stringify({
        builders: [{ type: 'null', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '20s' }],
        provisioners: [{ type: 'shell', environment_vars: ['WHERE={{ build `Host` }}:{{ build `Port` }}'], inline: [`echo "$WHERE {{ build \`User\` }}" > ${dir}/json-prov`] }],
        'post-processors': [{ type: 'shell-local', inline: [`echo "{{ build \`ConnType\` }} {{ build \`PackerHTTPAddr\` }}" > ${dir}/json-pp`] }],
      }),
    );
    const r = await runBake(['build', t]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(read('json-prov').trim()).toBe(`${sshd.host}:${sshd.port} ${sshd.username}`);
    expect(read('json-pp').trim()).toBe('ssh ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER');
  });
});

describe('error-cleanup-provisioner', () => {
  it('runs over the same connection when a provisioner fails, and the build fails with the provisioner\'s error', async () => {
    const t = join(dir, 'cleanup.pkr.hcl');
    writeFileSync(
      t,
      `${nullSource()}
build {
  sources = ["source.null.box"]
  provisioner "shell" {
    inline = ["echo first > ${dir}/first"]
  }
  provisioner "shell" {
    inline = ["exit 7"]
  }
  provisioner "shell" {
    inline = ["touch ${dir}/never"]
  }
  error-cleanup-provisioner "shell" {
    inline = ["echo \\"cleaned after $(cat ${dir}/first) on \${build.Host}\\" > ${dir}/cleaned"]
  }
}
`,
    );
    const r = await runBake(['build', t]);
    expect(r.code).toBe(1);
    expect(read('cleaned').trim()).toBe(`cleaned after first on ${sshd.host}`);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    expect(r.stdout).toContain('Provisioning step had errors: Running the cleanup provisioner...');
    expect(r.stdout).toMatch(/Build 'null\.box' errored: .*exited with 7/);
  });

  it('a cleanup provisioner that fails is reported, without hiding the first error (JSON\'s top-level key)', async () => {
    const t = join(dir, 'cleanup.json');
    writeFileSync(
      t,
      JSON.stringify({
        builders: [{ type: 'null', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '20s' }],
        provisioners: [{ type: 'shell', inline: ['exit 5'] }],
        'error-cleanup-provisioner': { type: 'shell', inline: [`touch ${dir}/json-cleaned`, 'exit 9'] },
      }),
    );
    const r = await runBake(['build', t]);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'json-cleaned'))).toBe(true);
    expect(r.stdout).toMatch(/error-cleanup-provisioner \(shell\) failed: .*exited with 9.*; the build fails with the provisioner's error: .*exited with 5/);
    expect(r.stdout).toMatch(/Build 'null' errored: .*exited with 5/);
  });

  it('does not run when every provisioner succeeds', async () => {
    const t = join(dir, 'fine.pkr.hcl');
    writeFileSync(t, `${nullSource()}\nbuild {\n  sources = ["source.null.box"]\n  provisioner "shell" {\n    inline = ["true"]\n  }\n  error-cleanup-provisioner "shell" {\n    inline = ["touch ${dir}/not-cleaned"]\n  }\n}\n`);
    const r = await runBake(['build', t]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'not-cleaned'))).toBe(false);
  });
});
