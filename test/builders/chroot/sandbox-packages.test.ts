import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canChroot } from '../../helpers/chroot-build.js';
import { imageFile, imageStat } from '../../helpers/disk-image.js';
import { runBake } from '../../helpers/run-bake.js';

const dir = mkdtempSync(join(tmpdir(), 'bake-chroot-deb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Debian package whose postinst does what real ones do as root: add a system user, chown to it, set file capabilities. */
function demoDeb(): string {
  const pkg = join(dir, 'pkg');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, 'usr', 'bin'), { recursive: true });
  writeFileSync(join(pkg, 'DEBIAN', 'control'), 'Package: bake-demo\nVersion: 1.0\nArchitecture: all\nMaintainer: bake <bake@example.invalid>\nDescription: bake sandbox test package\n');
  writeFileSync(join(pkg, 'DEBIAN', 'postinst'), '#!/bin/sh\nset -e\nuseradd --system --no-create-home bakedemo\nmkdir -p /var/lib/bake-demo\nchown bakedemo:bakedemo /var/lib/bake-demo\nsetcap cap_net_bind_service+ep /usr/bin/bake-demo\n');
  chmodSync(join(pkg, 'DEBIAN', 'postinst'), 0o755);
  writeFileSync(join(pkg, 'usr', 'bin', 'bake-demo'), '#!/bin/sh\necho demo\n');
  chmodSync(join(pkg, 'usr', 'bin', 'bake-demo'), 0o755);
  const deb = join(dir, 'bake-demo.deb');
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', pkg, deb], { stdio: 'ignore' });
  return deb;
}

describe.skipIf(!canChroot)('chroot builder: package installs in the sandbox', () => {
  it('apt-get installs a package whose postinst adds a user, chowns to it and sets file capabilities; the image keeps them', async () => {
    const out = join(dir, 'out');
    const template = join(dir, 't.json');
    writeFileSync(
      template,
      JSON.stringify({
        builders: [{ type: 'chroot', output_directory: out, format: 'raw' }],
        provisioners: [
          { type: 'file', source: demoDeb(), destination: '/tmp/bake-demo.deb' },
          { type: 'shell', inline: ['apt-get install -y /tmp/bake-demo.deb', 'getcap /usr/bin/bake-demo', 'stat -c "%U %G" /var/lib/bake-demo'] },
        ],
      }),
    );
    const r = await runBake(['build', template], { env: { BAKE_JOURNAL: join(dir, 'journal.jsonl') }, timeoutMs: 180_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('/usr/bin/bake-demo cap_net_bind_service=ep');
    expect(r.stdout).toContain('bakedemo bakedemo');
    const image = join(out, 'packer-chroot');
    // On disk as a VM build leaves it: the user, the directory owned by its ids, the capability attribute.
    const [, uid, gid] = /^bakedemo:x:(\d+):(\d+):/m.exec(imageFile(image, '/etc/passwd')) ?? [];
    expect(uid).toBeDefined();
    expect(imageStat(image, '/var/lib/bake-demo')).toMatch(new RegExp(`User:\\s+${uid}\\s+Group:\\s+${gid}\\b`));
    const ea = execFileSync('debugfs', ['-R', 'ea_list /usr/bin/bake-demo', `${image}?offset=1048576`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(ea).toContain('security.capability');
  }, 200_000);
});
