import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { canChroot, hostMounts } from '../../helpers/chroot-build.js';
import { fileIdentity, imageFile, imageList, imageStat } from '../../helpers/disk-image.js';
import { runBake } from '../../helpers/run-bake.js';

const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(builder: Record<string, unknown>, provisioners: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), 'bake-chroot-build-'));
  dirs.push(dir);
  const out = join(dir, 'out');
  const template = join(dir, 'chroot.json');
  writeFileSync(template, JSON.stringify({ builders: [{ type: 'chroot', output_directory: out, format: 'raw', ...builder }], provisioners }, null, 2));
  const journal = join(dir, 'journal.jsonl');
  return { dir, out, image: join(out, 'packer-chroot'), template, journal, env: { BAKE_JOURNAL: journal } };
}

/** What a build must never leave on the host: a mount or loop device of its files, or a process of its chroot. */
function leftovers(dir: string, marker: string): string[] {
  const mounts = hostMounts().filter((l) => l.includes(dir) || l.includes('/bake-chroot-'));
  const loops = execFileSync('losetup', ['-a'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(dir));
  const procs = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
  return [...mounts, ...loops, ...procs];
}

async function eventually(check: () => string[], ms = 10_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = check();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!canChroot)('chroot builder through bake build', () => {
  it('provisions with shell, file and state; leaves a daemon behind yet unmounts; the image\'s resolv.conf and the host are unchanged', async () => {
    const t = setup({}, [
      {
        type: 'shell',
        inline: [
          'md5sum /etc/resolv.conf',
          'test -x /usr/sbin/policy-rc.d && echo policy-rc.d is there',
          'echo baked > /etc/baked-by-chroot',
          'sleep 913 &',
          'echo left a daemon running',
        ],
      },
      { type: 'file', source: join(process.cwd(), 'package.json'), destination: '/opt/app/package.json' },
      {
        type: 'state',
        states: {
          unit: { 'file.managed': { name: '/etc/systemd/system/bake-demo.service', contents: ['[Service]', 'ExecStart=/bin/sleep 914', '[Install]', 'WantedBy=multi-user.target'] } },
          'bake-demo': { 'service.running': { require: ['unit'] } },
        },
      },
    ]);
    const before = hostMounts();
    const base = await baseRaw(t.dir);
    const resolvBefore = { identity: fileIdentity(imageStat(base, '/etc/resolv.conf')), text: imageFile(base, '/etc/resolv.conf') };
    const run = await runBake(['build', t.template], { env: t.env, timeoutMs: 180_000 });
    expect(run.stderr + run.stdout).toContain("Build 'chroot' finished");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${md5(readFileSync('/etc/resolv.conf'))}  /etc/resolv.conf`);
    expect(run.stdout).toContain('policy-rc.d is there');
    expect(run.stdout).toContain('Stopped 1 process left running in the chroot');
    expect(run.stdout).toContain('service_mode enable-only');
    expect(run.stdout).toMatch(/phase convert-in: [\d.]+s[\s\S]*phase mount: [\d.]+s[\s\S]*phase unmount: [\d.]+s[\s\S]*phase convert-out: [\d.]+s/);

    expect(imageFile(t.image, '/etc/baked-by-chroot')).toBe('baked\n');
    expect(imageFile(t.image, '/opt/app/package.json')).toBe(readFileSync('package.json', 'utf8'));
    expect(imageStat(t.image, '/etc/systemd/system/multi-user.target.wants/bake-demo.service')).toContain('Type: symlink');
    expect(imageStat(t.image, '/usr/sbin/policy-rc.d')).toBe('');
    expect({ identity: fileIdentity(imageStat(t.image, '/etc/resolv.conf')), text: imageFile(t.image, '/etc/resolv.conf') }).toEqual(resolvBefore);
    expect(imageList(t.image, '/tmp')).toEqual([]);

    const after = hostMounts();
    expect(before.filter((l) => !after.includes(l))).toEqual([]);
    expect(await eventually(() => leftovers(t.dir, 'sleep 91'))).toEqual([]);
    expect(Journal.open(t.journal)).toEqual([]);
    expect(existsSync(join(t.out, '.packer-chroot.work.raw'))).toBe(false);
    // The host's own /dev/pts still hands out terminals.
    expect(execFileSync('python3', ['-c', 'import os,pty; m,s=pty.openpty(); print(os.ttyname(s).startswith("/dev/pts/"))'], { encoding: 'utf8' }).trim()).toBe('True');
  }, 200_000);

  it('keeps a resolv.conf symlink into /run exactly as it was, while the build resolves with the host\'s resolver', async () => {
    const first = setup({}, [{ type: 'shell', inline: ['ln -sf ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf'] }]);
    const made = await runBake(['build', first.template], { env: first.env, timeoutMs: 180_000 });
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('/etc/resolv.conf was replaced during provisioning; keeping the new one');
    const linked = imageStat(first.image, '/etc/resolv.conf');
    expect(linked).toContain('Type: symlink');
    const second = setup({ iso_url: first.image, iso_checksum: 'none' }, [{ type: 'shell', inline: ['md5sum /etc/resolv.conf', 'readlink /etc/resolv.conf'] }]);
    const run = await runBake(['build', second.template], { env: second.env, timeoutMs: 180_000 });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${md5(readFileSync('/etc/resolv.conf'))}  /etc/resolv.conf`);
    expect(run.stdout).toContain('../run/systemd/resolve/stub-resolv.conf');
    expect(fileIdentity(imageStat(second.image, '/etc/resolv.conf'))).toBe(fileIdentity(linked));
    expect(imageList(second.image, '/run')).not.toContain('systemd');
  }, 200_000);

  it('disk_size grows the partition and the ext4 filesystem; post_mount_commands see the mounts; command_wrapper wraps each command', async () => {
    const t = setup(
      { disk_size: '2560M', post_mount_commands: ['findmnt -n -o FSTYPE {{.MountPath}}'], command_wrapper: 'env WRAPPED=yes {{.Command}}' },
      [{ type: 'shell', inline: ['echo "wrapped=$WRAPPED"', 'df -BM --output=size / | tail -1'] }],
    );
    const run = await runBake(['build', t.template], { env: t.env, timeoutMs: 180_000 });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Grew the ext4 root filesystem to 2559 MiB');
    expect(run.stdout).toMatch(/chroot: ext4\n/);
    expect(run.stdout).toContain('wrapped=yes');
    expect(Number(/chroot: +(\d+)M\n/.exec(run.stdout)?.[1])).toBeGreaterThan(2400);
    expect(execFileSync('qemu-img', ['info', '--output=json', t.image], { encoding: 'utf8' })).toContain(`"virtual-size": ${2560 * 1024 * 1024}`);
  }, 200_000);

  it('refuses a root filesystem it cannot mount read-write, naming it, and a disk with no Linux root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-chroot-bad-'));
    dirs.push(dir);
    const swap = join(dir, 'swap.raw');
    execFileSync('truncate', ['-s', '64M', swap]);
    execFileSync('mkswap', [swap], { stdio: 'ignore' });
    const t1 = setup({ iso_url: swap, iso_checksum: 'none', mount_partition: '0' }, []);
    const r1 = await runBake(['build', t1.template], { env: t1.env });
    expect(r1.code).toBe(1);
    expect(r1.stdout + r1.stderr).toContain('chroot: the root filesystem on the disk is swap, which bake cannot mount read-write (it mounts ext2, ext3, ext4, xfs, btrfs)');
    const empty = join(dir, 'empty.raw');
    execFileSync('truncate', ['-s', '64M', empty]);
    const t2 = setup({ iso_url: empty, iso_checksum: 'none' }, []);
    const r2 = await runBake(['build', t2.template], { env: t2.env });
    expect(r2.stdout + r2.stderr).toContain('chroot: no partition of the image holds a Linux root filesystem with /etc/os-release (disk: no filesystem); set mount_partition');
    expect(existsSync(t1.out) || existsSync(t2.out)).toBe(false);
    expect(leftovers(dir, 'bake-chroot-bad')).toEqual([]);
  }, 200_000);

  it('kill -9 of bake mid-provisioning leaves no mount, loop device or chroot process; bake cleanup removes the output', async () => {
    const t = setup({}, [{ type: 'shell', inline: ['echo PROVISIONING', 'sleep 915'] }]);
    let holder = '';
    const run = await runBake(['build', t.template], {
      env: t.env,
      timeoutMs: 180_000,
      onStdout: (chunk, child) => {
        if (!chunk.includes('PROVISIONING')) return;
        holder = execFileSync('pgrep', ['-P', String(child.pid), '-x', 'unshare'], { encoding: 'utf8' }).trim();
        child.kill('SIGKILL');
      },
    });
    expect(run.signal).toBe('SIGKILL');
    expect(holder).toMatch(/^\d+$/);
    // Gone, or a zombie its new parent has not reaped yet.
    const holderAlive = () => {
      try {
        return /^State:\s+Z/m.test(readFileSync(`/proc/${holder}/status`, 'utf8')) ? [] : [`namespace holder ${holder}`];
      } catch {
        return [];
      }
    };
    expect(await eventually(() => [...leftovers(t.dir, 'sleep 915'), ...holderAlive()])).toEqual([]);
    expect(existsSync(t.out)).toBe(true);
    const cleanup = await runBake(['cleanup'], { env: t.env });
    expect(cleanup.code).toBe(0);
    expect(existsSync(t.out)).toBe(false);
  }, 200_000);

  it('Ctrl-C mid-provisioning stops the command, unmounts and removes the half-made output', async () => {
    const t = setup({}, [{ type: 'shell', inline: ['echo PROVISIONING', 'sleep 916'] }]);
    const before = hostMounts();
    const run = await runBake(['build', t.template], {
      env: t.env,
      timeoutMs: 180_000,
      onStdout: (chunk, child) => {
        if (chunk.includes('PROVISIONING')) child.kill('SIGINT');
      },
    });
    expect(run.code).not.toBe(0);
    expect(existsSync(t.out)).toBe(false);
    expect(leftovers(t.dir, 'sleep 916')).toEqual([]);
    expect(before.filter((l) => !hostMounts().includes(l))).toEqual([]);
    expect(Journal.open(t.journal)).toEqual([]);
  }, 200_000);
});

/** bake's base image as raw, to compare the image's files before and after a build. */
async function baseRaw(dir: string): Promise<string> {
  const { baseImage } = await import('../../integration/qemu-harness.js');
  const raw = join(dir, 'base.raw');
  execFileSync('qemu-img', ['convert', '-O', 'raw', await baseImage(), raw]);
  return raw;
}
