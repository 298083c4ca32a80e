import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planEmulation } from '../../src/builders/chroot/emulation.js';
import { errorText } from '../../src/core/errors.js';
import { arm64Image } from '../helpers/arm64-image.js';
import { canChroot, hostMounts } from '../helpers/chroot-build.js';
import { imageFile, imageList, imageStat } from '../helpers/disk-image.js';
import { runBake } from '../helpers/run-bake.js';

// On an x86-64 host every program of the image runs under qemu-user (binfmt_misc): dpkg and a few
// shell commands take seconds, not milliseconds. Building the image (mmdebstrap, emulated
// maintainer scripts) takes minutes the first time; it is cached by recipe hash afterwards.
const BUILD_MS = 5 * 60_000;
const foreign = process.arch !== 'arm64';

/**
 * Whether this host can run arm64 programs: natively, or through an enabled binfmt_misc handler,
 * asked of bake's own check with the ELF header of an aarch64 program. A host where binfmt_misc
 * cannot be used (an unprivileged container) skips with bake's reason; the errors themselves are
 * tested on every host with fixtures in test/builders/chroot/emulation.test.ts.
 */
async function arm64Unavailable(): Promise<string | undefined> {
  const bytes = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(bytes);
  bytes.writeUInt16LE(3, 16); // ET_DYN
  bytes.writeUInt16LE(0xb7, 18); // EM_AARCH64
  try {
    await planEmulation({ machine: 0xb7, bytes, littleEndian: true });
    return undefined;
  } catch (err) {
    return errorText(err);
  }
}
const unavailable = canChroot ? await arm64Unavailable() : 'needs root and loop devices';
if (unavailable) console.warn(`chroot-arm64: skipped: ${unavailable}`);

let dir: string;
let image: string;
let base: string;
beforeAll(async () => {
  if (unavailable) return;
  const built = await arm64Image(AbortSignal.timeout(40 * 60_000));
  if (built.buildSeconds) console.log(`arm64 test image built in ${built.buildSeconds.toFixed(0)} s: ${built.path}`);
  image = built.path;
  dir = mkdtempSync(join(tmpdir(), 'bake-it-arm64-'));
  base = join(dir, 'base.raw');
  execFileSync('qemu-img', ['convert', '-O', 'raw', image, base]);
}, 45 * 60_000);
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

/** Other agents may mount things meanwhile: what matters is that no host mount went away and none of this build's stayed. */
function expectHostMountsKept(before: string[]): void {
  const after = hostMounts();
  expect(before.filter((l) => !after.includes(l))).toEqual([]);
  expect(after.filter((l) => !before.includes(l) && (l.includes(dir) || l.includes('/bake-chroot-') || l.includes('binfmt')))).toEqual([]);
}

function template(name: string, builder: Record<string, unknown>, provisioners: unknown[]) {
  const out = join(dir, `out-${name}`);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ builders: [{ type: 'chroot', name, iso_url: image, iso_checksum: 'none', output_directory: out, format: 'raw', ...builder }], provisioners }, null, 2));
  return { path, raw: join(out, `packer-${name}`) };
}

describe.skipIf(unavailable !== undefined)('an arm64 image baked by the chroot builder on any host (binfmt_misc and qemu-user-static where it is foreign)', () => {
  it('runs shell (uname -m is aarch64, dpkg installs a package) and file; the image carries the work and no emulator; the host mounts are unchanged', async () => {
    const t = template('arm64', {}, [
      {
        type: 'shell',
        inline: [
          'uname -m',
          'dpkg --print-architecture',
          'dpkg -i /var/cache/apt/archives/hello_*.deb >/dev/null && hello',
          'echo baked on $(uname -m) > /etc/baked-by-chroot',
          'ls /usr/libexec/qemu-binfmt /usr/bin/qemu-aarch64-static 2>/dev/null || echo no emulator in the image',
        ],
      },
      { type: 'file', source: join(process.cwd(), 'package.json'), destination: '/opt/app/package.json' },
      { type: 'shell', inline: ['sha256sum /opt/app/package.json'] },
    ]);
    const before = hostMounts();
    const started = Date.now();
    const run = await runBake(['build', t.path], { timeoutMs: BUILD_MS });
    const seconds = (Date.now() - started) / 1000;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    console.log(`arm64 chroot bake: ${seconds.toFixed(1)} s`);
    const lines = run.stdout.split('\n');
    expect(lines.some((l) => /: aarch64$/.test(l))).toBe(true);
    expect(lines.some((l) => /: arm64$/.test(l))).toBe(true);
    expect(run.stdout).toContain('Hello, world!');
    expect(run.stdout).toContain('no emulator in the image');
    const sha = execFileSync('sha256sum', ['package.json'], { encoding: 'utf8' }).split(' ')[0];
    expect(run.stdout).toContain(`${sha}  /opt/app/package.json`);
    if (foreign) expect(run.stdout).toMatch(/The image is arm64: its programs run through \S+ \(binfmt_misc handler \S+, F flag: nothing is copied into the image\)/);

    expect(imageFile(t.raw, '/etc/baked-by-chroot')).toBe('baked on aarch64\n');
    expect(imageFile(t.raw, '/opt/app/package.json')).toBe(readFileSync('package.json', 'utf8'));
    expect(imageStat(t.raw, '/usr/bin/hello')).toContain('Type: regular');
    expect(imageList(t.raw, '/var/lib/dpkg/info').filter((n) => n.startsWith('hello.'))).not.toEqual([]);
    expect(imageStat(t.raw, '/usr/sbin/policy-rc.d')).toBe('');
    expect(imageList(t.raw, '/tmp')).toEqual([]);
    expectHostMountsKept(before);
  }, BUILD_MS + 30_000);

  it('qemu_binary_destination_path puts the emulator in the image for the build only, and the directories made for it go too', async () => {
    const destination = '/usr/libexec/qemu-binfmt/bake-test-aarch64-static';
    const t = template('arm64-copy', { qemu_binary_source_path: '/usr/bin/qemu-aarch64-static', qemu_binary_destination_path: destination }, [
      { type: 'shell', inline: [`test -f ${destination} && echo the emulator is in the image`, 'uname -m'] },
    ]);
    expect(imageStat(base, '/usr/libexec/qemu-binfmt')).toBe('');
    const before = hostMounts();
    const run = await runBake(['build', t.path], { timeoutMs: BUILD_MS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    if (foreign) {
      expect(run.stdout).toContain(`Copying the emulator /usr/bin/qemu-aarch64-static to ${destination} in the image for the build (removed afterwards)`);
      expect(run.stdout).toContain('the emulator is in the image');
    } else {
      expect(run.stdout).toContain('The image runs natively on this host: qemu_binary_source_path and qemu_binary_destination_path are not used');
    }
    expect(imageStat(t.raw, destination)).toBe('');
    expect(imageStat(t.raw, '/usr/libexec/qemu-binfmt')).toBe('');
    expect(imageList(t.raw, '/usr/libexec')).toEqual(imageList(base, '/usr/libexec'));
    expectHostMountsKept(before);
  }, BUILD_MS + 30_000);
});
