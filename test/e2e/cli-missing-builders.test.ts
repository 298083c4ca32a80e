import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';

/** `bake validate` on a bento-style template: the same machine for hypervisors bake has and has not. */
const dir = mkdtempSync(join(tmpdir(), 'bake-e2e-missing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'multi.json');
writeFileSync(
  path,
  JSON.stringify({
    builders: [
      { type: 'virtualbox-iso', guest_os_type: 'Debian_64', boot_command: ['<esc>'] },
      { type: 'parallels-iso', parallels_tools_flavor: 'lin' },
      { type: 'qemu', http_directory: '.', boot_command: ['<esc><wait>auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg<enter>'] },
    ],
    provisioners: [{ type: 'shell', inline: ['echo hi'] }],
  }),
);

describe('bake validate with builder types bake does not have', () => {
  it('refuses without -only, naming each and the -only to use', async () => {
    const run = await runBake(['validate', path], { cwd: dir });
    expect(run.code).toBe(2);
    // The list of bake's builders grows; the rest of the line is fixed.
    expect(run.stderr).toMatch(/builders\[0\]\.type: bake has no "virtualbox-iso" builder \(bake's builders: [a-z0-9, -]*qemu[a-z0-9, -]*\); to build the others, run with -only=qemu\n/);
    expect(run.stderr).toContain(`${path}: builders[0].type: bake has no "virtualbox-iso" builder`);
    expect(run.stderr).toContain(`${path}: builders[1].type: bake has no "parallels-iso" builder`);
  });

  it('validates the rest with -only=qemu, warning once about the skipped types', async () => {
    const run = await runBake(['validate', '-only=qemu', path], { cwd: dir });
    expect(run.stdout + run.stderr, run.stderr).toContain('The configuration is valid.');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Warning: ${path}: skipping virtualbox-iso, parallels-iso: bake has no builder of those types, and -only/-except leaves them out`);
  });

  it('masks a sensitive value in its warnings, as build does', async () => {
    const secretPath = join(dir, 'secret-name.json');
    writeFileSync(
      secretPath,
      JSON.stringify({
        variables: { secret: 'hunter22' },
        'sensitive-variables': ['secret'],
        builders: [{ type: 'virtualbox-iso', name: 'vbox-{{user `secret`}}' }, { type: 'null', communicator: 'none' }],
      }),
    );
    const run = await runBake(['validate', '-only=null', secretPath], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('skipping vbox-<sensitive> (virtualbox-iso)');
    expect(run.stderr).not.toContain('hunter22');
  });
});
