import { copyFileSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDebianSystem, type DebianSystem } from '../helpers/debian-rootfs.js';
import { runBake } from '../helpers/run-bake.js';

/** `bake build` with the null builder on a disposable Debian chroot, applying state files through the CLI. */
let sys: DebianSystem;
let dir: string;

const WEB_JSON = fileURLToPath(new URL('../fixtures/state/web.json', import.meta.url));

function template(provisioner: object, variables: Record<string, string> = {}): string {
  const path = join(dir, 't.json');
  const builder = { type: 'null', ssh_host: sys.host, ssh_port: sys.port, ssh_username: sys.username, ssh_private_key_file: sys.privateKeyPath, ssh_timeout: '20s' };
  writeFileSync(path, JSON.stringify({ variables, builders: [builder], provisioners: [{ type: 'state', ...provisioner }] }, null, 2));
  return path;
}

beforeAll(async () => {
  sys = await startDebianSystem();
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-state-'));
}, 900_000);

afterAll(async () => {
  await sys?.stop();
});

describe('bake build with the state provisioner', () => {
  it('applies test/fixtures/state/web.json (the booted-guest fixture) in enable-only mode, idempotently', async () => {
    copyFileSync(WEB_JSON, join(dir, 'web.json'));
    const t = template({ state_file: 'web.json', vars: { web_version: '{{user `version`}}' }, service_mode: 'enable-only', verify_idempotent: true }, { version: '1' });
    const run = await runBake(['build', t], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Applying states: succeeded: 5 \(changed=5\), failed: 0, total states run: 5, total run time: \d+\.\d{3} s/);
    expect(run.stdout).toMatch(/Verifying idempotency \(second pass\): succeeded: 5 \(changed=0\), failed: 0/);
    expect(readFileSync(join(sys.root, 'etc/bake-web.conf'), 'utf8')).toBe('version=1\n');
    expect(readlinkSync(join(sys.root, 'etc/systemd/system/multi-user.target.wants/bake-web.service'))).toBe('/etc/systemd/system/bake-web.service');

    const again = await runBake(['build', '-var', 'version=2', t], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('restart of bake-web skipped (service_mode enable-only: the image boots with the new configuration) (watching config)');
    expect(again.stdout).toContain('+version=2');
  });

  it('refuses a typo before connecting, naming the state and the likely function', async () => {
    const t = template({ states: { nginx: { 'pkg.instaled': {} }, conf: { 'file.managed': { name: '/etc/x', require: ['nginx2'] } } } });
    const run = await runBake(['validate', t], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${t}: provisioners[0].states.nginx: unknown function "pkg.instaled" (did you mean "pkg.installed"?)`);
    expect(run.stderr).toContain(`${t}: provisioners[0].states.conf: require refers to unknown state "nginx2"`);
  });
});
