import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canChroot, hostMounts } from '../../helpers/chroot-build.js';
import { runBake } from '../../helpers/run-bake.js';
import { STATIC_BUSYBOX, tinyImage, tinyImageFile } from '../../helpers/tiny-image.js';

/**
 * The image is untrusted input: each test bakes a tiny image made to attack the host (issue #20)
 * and shows the attack harmless, or refused with one line naming the image path.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function bake(customize: (root: string) => void, provisioners: unknown[], builder: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bake-untrusted-'));
  dirs.push(dir);
  const image = tinyImage(dir, customize);
  const out = join(dir, 'out');
  const template = join(dir, 't.json');
  writeFileSync(template, JSON.stringify({ builders: [{ type: 'chroot', iso_url: image, iso_checksum: 'none', output_directory: out, format: 'raw', ...builder }], provisioners }));
  const env = { BAKE_JOURNAL: join(dir, 'journal.jsonl'), BAKE_RUNS_DIR: join(dir, 'runs') };
  return { dir, out, output: join(out, 'packer-chroot'), template, env, run: (timeoutMs = 60_000) => runBake(['build', template], { env, timeoutMs }) };
}

function runRecord(dir: string): string {
  const runs = join(dir, 'runs');
  return existsSync(runs) ? readdirSync(runs).map((f) => readFileSync(join(runs, f), 'utf8')).join('\n') : '';
}

describe.skipIf(!canChroot || !existsSync(STATIC_BUSYBOX))('chroot builder: an image made to attack the host', () => {
  it('a /.bake-rw-check symlink to a host path does not make bake create that host file', async () => {
    const host = join(mkdtempSync(join(tmpdir(), 'bake-untrusted-host-')), 'created-through-the-image');
    dirs.push(join(host, '..'));
    const t = bake((root) => symlinkSync(host, join(root, '.bake-rw-check')), []);
    const r = await t.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(host)).toBe(false);
  }, 90_000);

  it('/tmp -> /var/tmp: the build\'s tmpfs lands on the image\'s /var/tmp, so an uploaded secret never ships in the image', async () => {
    const secret = join(mkdtempSync(join(tmpdir(), 'bake-untrusted-secret-')), 'secret');
    dirs.push(join(secret, '..'));
    writeFileSync(secret, 'the-uploaded-secret\n');
    const t = bake(
      (root) => {
        rmSync(join(root, 'tmp'), { recursive: true });
        symlinkSync('/var/tmp', join(root, 'tmp'));
      },
      [
        { type: 'file', source: secret, destination: '/tmp/secret' },
        { type: 'shell', inline: ['cat /tmp/secret', 'cat /var/tmp/secret'] },
      ],
    );
    const r = await t.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.match(/the-uploaded-secret/g)).toHaveLength(2);
    expect(tinyImageFile(t.output, '/var/tmp/secret')).toBeUndefined();
    expect(tinyImageFile(t.output, '/tmp')).toBeDefined();
  }, 90_000);

  it('a FIFO at /etc/hostname fails the build at once with one line, and leaves nothing behind', async () => {
    const t = bake((root) => execFileSync('mkfifo', [join(root, 'etc', 'hostname')]), []);
    const before = hostMounts();
    const r = await t.run(30_000);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('/etc/hostname in the image is a FIFO: refusing to read it');
    expect(existsSync(t.out)).toBe(false);
    expect(before.filter((l) => !hostMounts().includes(l))).toEqual([]);
  }, 60_000);

  it('a block device at /etc/fstab is refused, never read, and nothing of it reaches the run record', async () => {
    const t = bake((root) => execFileSync('mknod', [join(root, 'etc', 'fstab'), 'b', '7', '0']), []);
    const r = await t.run();
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('/etc/fstab in the image is a block device: refusing to read it');
    expect(runRecord(t.dir)).toContain('/etc/fstab in the image is a block device');
  }, 90_000);
});
