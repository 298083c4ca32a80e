import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';

/**
 * A bento template (virtualbox-iso and qemu builders, a vagrant → vagrant-cloud chain beside a
 * flat manifest) through the real CLI, run as bento's users run it with Packer:
 * `-only=qemu -except=vagrant`. The build swaps the qemu builder for a null one of the same name,
 * so the selection, the skipped post-processors and the manifest are exercised without a VM boot.
 */
const fixture = fileURLToPath(new URL('../fixtures/bento/debian-10.7-amd64.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bake-e2e-bento-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const known = "bake's post-processors: [a-z0-9, -]*manifest[a-z0-9, -]*";

describe('a bento template through bake validate', () => {
  it('without flags: names the missing builder and the vagrant-cloud post-processor (bake makes the vagrant box), each with the flag that leaves it out', async () => {
    const run = await runBake(['validate', fixture], { cwd: dir });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Error: .*debian-10\.7-amd64\.json: builders\[0\]\.type: bake has no "virtualbox-iso" builder \(.*\); to build the others, run with -only=qemu$/);
    expect(lines[1]).toMatch(new RegExp(`^Error: .*: post-processors\\[0\\]\\[1\\]\\.type: bake has no "vagrant-cloud" post-processor \\(${known}\\); to build without it, run with -except=vagrant-cloud$`));
  });

  it('with -only=qemu: the vagrant chain still runs after qemu, so its vagrant-cloud upload is refused', async () => {
    const run = await runBake(['validate', '-only=qemu', fixture], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`Error: ${fixture}: post-processors[0][1].type: bake has no "vagrant-cloud" post-processor`);
    // bake's own list names its vagrant post-processor, though "vagrant" is also the template's ssh_password.
    expect(run.stderr).toMatch(/\(bake's post-processors: [a-z, -]*, vagrant\)/);
  });

  it('with -only=qemu -except=vagrant: valid, one warning for each skipped part bake lacks', async () => {
    const run = await runBake(['validate', '-only=qemu', '-except=vagrant', fixture], { cwd: dir });
    expect(run.stdout).toBe('The configuration is valid.\n');
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([
      `Warning: ${fixture}: post-processors[0][1].type: skipping post-processor "vagrant-cloud": bake has none of that type, and it comes after "vagrant" in its chain, which -except leaves out`,
      `Warning: ${fixture}: skipping virtualbox-iso: bake has no builder of that type, and -only/-except leaves it out`,
    ]);
  });

  it('refuses an -except that names neither a build nor a post-processor', async () => {
    const run = await runBake(['validate', '-only=qemu', '-except=vagrant,vagrnt', fixture], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('-except=vagrnt matches no build or post-processor (builds: qemu, virtualbox-iso; post-processors: vagrant, vagrant-cloud, manifest)');
  });
});

describe('a bento template through bake build', () => {
  it('builds qemu with -only=qemu -except=vagrant: the manifest runs, the vagrant chain and virtualbox-iso are skipped', async () => {
    const t = JSON.parse(readFileSync(fixture, 'utf8'));
    // Same name, so -only=qemu selects it; no VM, and a local provisioner instead of SSH.
    t.builders[1] = { type: 'null', name: 'qemu', communicator: 'none' };
    t.provisioners = [{ type: 'shell-local', inline: [`echo "$PACKER_BUILD_NAME" > ${join(dir, 'provisioned')}`] }];
    const path = join(dir, 'debian-10.7-amd64.json');
    writeFileSync(path, JSON.stringify(t, null, 2));
    const out = join(dir, 'builds');
    const run = await runBake(['build', '-only=qemu', '-except=vagrant', `-var=build_directory=${out}`, path], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(dir, 'provisioned'), 'utf8')).toBe('qemu\n');
    const manifest = JSON.parse(readFileSync(join(out, 'debian-10.7.manifest.json'), 'utf8'));
    expect(manifest.builds.map((b: { name: string }) => b.name)).toEqual(['qemu']);
    expect(readdirSync(out)).toEqual(['debian-10.7.manifest.json']);
    const output = run.stdout + run.stderr;
    expect(output).toContain('post-processors[0][1].type: skipping post-processor "vagrant-cloud": bake has none of that type, and it comes after "vagrant" in its chain');
    expect(output).toContain('skipping virtualbox-iso: bake has no builder of that type');
    expect(existsSync(join(out, 'debian-10.7.virtualbox.box'))).toBe(false);
  });

  it('with several templates, -except may name a post-processor of any one of them', async () => {
    const t = JSON.parse(readFileSync(fixture, 'utf8'));
    t.builders[1] = { type: 'null', name: 'qemu', communicator: 'none' };
    t.provisioners = [];
    const out = join(dir, 'several');
    t.variables.build_directory = out;
    const bento = join(dir, 'several-bento.json');
    writeFileSync(bento, JSON.stringify(t));
    const other = join(dir, 'several-other.json');
    writeFileSync(other, JSON.stringify({ builders: [{ type: 'null', name: 'apps', communicator: 'none' }] }));
    const run = await runBake(['build', '-except=vagrant,virtualbox-iso', bento, other], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(['debian-10.7.manifest.json']);
    const typo = await runBake(['build', '-except=virtualbox-iso,vagrant,vagrnt', bento, other], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('-except=vagrnt matches no build or post-processor (builds: qemu, virtualbox-iso, apps; post-processors: vagrant, vagrant-cloud, manifest)');
  });
});
