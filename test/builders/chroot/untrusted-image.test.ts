import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canChroot, hostMounts } from '../../helpers/chroot-build.js';
import { runBake } from '../../helpers/run-bake.js';
import { STATIC_BUSYBOX, tinyImage, tinyImageFile } from '../../helpers/tiny-image.js';

/**
 * The image is untrusted input: each test bakes a tiny image made to attack the host (issue #20)
 * and shows the attack harmless, or refused with one line naming the image path.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `disk` turns the tiny whole-disk filesystem into the image baked (a partitioned disk around it). */
function bake(customize: (root: string) => void, provisioners: unknown[], builder: Record<string, unknown> = {}, disk = (fs: string) => fs) {
  const dir = mkdtempSync(join(tmpdir(), 'bake-untrusted-'));
  dirs.push(dir);
  const image = disk(tinyImage(dir, customize));
  const out = join(dir, 'out');
  const template = join(dir, 't.json');
  writeFileSync(template, JSON.stringify({ builders: [{ type: 'chroot', iso_url: image, iso_checksum: 'none', output_directory: out, format: 'raw', ...builder }], provisioners }));
  const env = { BAKE_JOURNAL: join(dir, 'journal.jsonl'), BAKE_RUNS_DIR: join(dir, 'runs') };
  return { dir, out, output: join(out, 'packer-chroot'), template, env, run: (timeoutMs = 60_000) => runBake(['build', template], { env, timeoutMs }) };
}

/** Puts a host program (and the libraries it loads) into the image at `to`. */
function withHostProgram(root: string, program: string, to = program): void {
  rmSync(join(root, to), { force: true });
  mkdirSync(join(root, dirname(to)), { recursive: true });
  copyFileSync(program, join(root, to));
  for (const lib of execFileSync('ldd', [program], { encoding: 'utf8' }).match(/\/\S+/g) ?? []) {
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(root, lib));
  }
}

/** Perl, for system calls no busybox applet makes: add a key to root's user keyring, look for it, remove it. */
function keyring(what: 'add' | 'find' | 'remove', description: string): string {
  const nr = { x64: { add: 248, find: 249, ctl: 250 }, arm64: { add: 217, find: 218, ctl: 219 } }[process.arch as 'x64'] ?? { add: -1, find: -1, ctl: -1 };
  const find = `my $id = syscall(${nr.find}, $t, $d, 0, 0);`;
  const vars = `my ($t, $d, $p) = ("user", "${description}", "planted-by-the-image");`;
  if (what === 'add') return `${vars} my $r = syscall(${nr.add}, $t, $d, $p, length $p, -4); print $r < 0 ? "keyring-refused: $!\\n" : "KEY-ADDED $r\\n"`;
  if (what === 'find') return `${vars} ${find} print $id < 0 ? "no key\\n" : "KEY-FOUND $id\\n"`;
  return `${vars} ${find} syscall(${nr.ctl}, 21, $id) if $id > 0`;
}

function runRecord(dir: string): string {
  const runs = join(dir, 'runs');
  return existsSync(runs) ? readdirSync(runs).map((f) => readFileSync(join(runs, f), 'utf8')).join('\n') : '';
}

describe.skipIf(!canChroot || !existsSync(STATIC_BUSYBOX))('chroot builder: an image made to attack the host', () => {
  // A host disk (a loop device over a file) whose first bytes are a secret that looks like an fstab line.
  const hostDir = mkdtempSync(join(tmpdir(), 'bake-untrusted-host-'));
  dirs.push(hostDir);
  const disk = { path: join(hostDir, 'host-disk.raw'), loop: '', major: 0, minor: 0 };
  beforeAll(() => {
    writeFileSync(disk.path, `HOST-DISK-SECRET /srv ext4 defaults 0 0\n${'\0'.repeat(1024 * 1024)}`.padEnd(2 * 1024 * 1024, '\0'));
    disk.loop = execFileSync('losetup', ['-f', '--show', disk.path], { encoding: 'utf8' }).trim();
    [disk.major, disk.minor] = execFileSync('stat', ['-c', '%t %T', disk.loop], { encoding: 'utf8' }).trim().split(' ').map((h) => parseInt(h, 16)) as [number, number];
  });
  afterAll(() => {
    if (disk.loop) execFileSync('losetup', ['-d', disk.loop]);
  });

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

  it('copy_files, policy-rc.d and chroot_mounts targets stay in the image, whatever its links and `..` name on the host', async () => {
    const host = mkdtempSync(join(tmpdir(), 'bake-untrusted-targets-'));
    dirs.push(host);
    writeFileSync(join(host, 'resolv.conf'), 'host-original\n');
    const t = bake(
      (root) => {
        symlinkSync(join(host, 'resolv.conf'), join(root, 'etc', 'resolv.conf'));
        mkdirSync(join(root, 'usr'));
        symlinkSync(host, join(root, 'usr', 'sbin'));
      },
      [{ type: 'shell', inline: [`echo on-the-tmpfs > ${host}/scratch/f`, 'test -x /usr/sbin/policy-rc.d && echo policy-rc.d-in-place', 'cat /etc/resolv.conf'] }],
      // No tmpfs on /tmp, where the image's resolv.conf link points: bake's copy must not stay there.
      { chroot_mounts: [['tmpfs', 'tmpfs', `${'/..'.repeat(12)}${host}/scratch`], ['tmpfs', 'tmpfs', '/run']] },
    );
    const r = await t.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('policy-rc.d-in-place');
    expect(r.stdout).toContain(readFileSync('/etc/resolv.conf', 'utf8').split('\n')[0]);
    // Nothing written, created or mounted on the host's side of the links.
    expect(readdirSync(host)).toEqual(['resolv.conf']);
    expect(readFileSync(join(host, 'resolv.conf'), 'utf8')).toBe('host-original\n');
    // In the image: the tmpfs took the write, bake's files are gone, the image's own link is back.
    expect(tinyImageFile(t.output, `${host}/scratch`)).toBeDefined();
    expect(tinyImageFile(t.output, `${host}/scratch/f`)).toBeUndefined();
    expect(tinyImageFile(t.output, `${host}/policy-rc.d`)).toBeUndefined();
    expect(tinyImageFile(t.output, `${host}/resolv.conf`)).toBeUndefined();
    expect(execFileSync('debugfs', ['-R', 'stat /etc/resolv.conf', t.output], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toContain(`Fast link dest: "${host}/resolv.conf"`);
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

  it.each([
    ['SIGINT', 'interrupted'],
    ['SIGTERM', 'terminated'],
  ] as const)('%s while the image\'s program blocks on a FIFO ends the build with its cleanup', async (signal, word) => {
    const t = bake((root) => execFileSync('mkfifo', [join(root, 'etc', 'blocker')]), [{ type: 'shell', inline: ['echo BLOCKING', 'cat /etc/blocker'] }]);
    const before = hostMounts();
    const r = await runBake(['build', t.template], {
      env: t.env,
      timeoutMs: 30_000,
      onStdout: (chunk, child) => {
        if (chunk.includes('BLOCKING')) child.kill(signal);
      },
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`--> chroot: aborted: ${word}`);
    expect(existsSync(t.out)).toBe(false);
    expect(hostMounts().filter((l) => !before.includes(l))).toEqual([]);
    expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(t.dir);
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.trim() === 'cat /etc/blocker')).toEqual([]);
  }, 60_000);

  it('a block device at /etc/fstab (a host disk) is refused, never read, and nothing of it reaches the run record', async () => {
    const t = bake((root) => execFileSync('mknod', [join(root, 'etc', 'fstab'), 'b', String(disk.major), String(disk.minor)]), []);
    const r = await t.run();
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('/etc/fstab in the image is a block device: refusing to read it');
    expect(runRecord(t.dir)).toContain('/etc/fstab in the image is a block device');
    expect(r.stdout + r.stderr + runRecord(t.dir)).not.toContain('HOST-DISK-SECRET');
  }, 90_000);

  it('a partition the image\'s fstab names is mounted nodev, and only when blkid finds a filesystem bake mounts there (never by the type fstab claims)', async () => {
    // GPT: the tiny root (48 MiB), an ext4 /boot, a minix filesystem, and a partition with nothing blkid knows.
    const partitioned = (fs: string) => {
      const raw = `${fs}.gpt`;
      execFileSync('truncate', ['-s', `${1 + 48 + 3 * 8 + 1}M`, raw]);
      execFileSync('sfdisk', ['-q', raw], { input: 'label: gpt\nstart=2048, size=98304\nsize=16384\nsize=16384\nsize=16384\n' });
      execFileSync('dd', [`if=${fs}`, `of=${raw}`, 'bs=1M', 'seek=1', 'conv=notrunc', 'status=none']);
      for (const [mkfs, seek] of [['mkfs.ext4', 49], ['mkfs.minix', 57]] as const) {
        execFileSync('truncate', ['-s', '8M', `${fs}.part`]);
        execFileSync(mkfs, [`${fs}.part`], { stdio: 'ignore' });
        execFileSync('dd', [`if=${fs}.part`, `of=${raw}`, 'bs=1M', `seek=${seek}`, 'conv=notrunc', 'status=none']);
        rmSync(`${fs}.part`);
      }
      return raw;
    };
    const t = bake(
      (root) => writeFileSync(join(root, 'etc', 'fstab'), '/dev/sda2 /boot ext4 defaults 0 2\n/dev/sda3 /data ext4 defaults 0 2\n/dev/sda4 /other hfsplus defaults 0 2\n'),
      [
        {
          type: 'shell',
          inline: [
            'grep -E " /(boot|data|other) " /proc/mounts | cut -d" " -f2,3',
            `mknod /boot/disk b ${disk.major} ${disk.minor}; head -c 16 /boot/disk || echo boot-device-refused`,
          ],
        },
      ],
      {},
      partitioned,
    );
    const r = await t.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('chroot: /boot ext4\n');
    expect(r.stdout).toContain('boot-device-refused');
    expect(r.stdout).not.toContain('HOST-DISK-SECRET');
    expect(r.stdout).toContain('fstab: /data is partition 3, which holds minix: not mounted (bake mounts ext2, ext3, ext4, xfs, btrfs, vfat from the image\'s fstab)');
    expect(r.stdout).toContain('fstab: /other is partition 4, which holds no filesystem blkid knows: not mounted');
    expect(r.stdout).not.toMatch(/chroot: \/(data|other) \w+\n/);
  }, 90_000);

  it('a trojaned dirname in the image does not run during a file upload', async () => {
    const host = join(mkdtempSync(join(tmpdir(), 'bake-untrusted-host-')), 'written-by-dirname');
    dirs.push(join(host, '..'));
    const t = bake(
      (root) => {
        // Debian's shell, which (unlike busybox's) runs dirname from PATH, as the upload script did.
        withHostProgram(root, '/bin/dash', '/bin/sh');
        unlinkSync(join(root, 'bin', 'dirname'));
        writeFileSync(join(root, 'bin', 'dirname'), `#!/bin/busybox sh\necho pwned > /proc/1/root${host}\necho ran > /dirname-ran\nexec busybox dirname "$@"\n`);
        chmodSync(join(root, 'bin', 'dirname'), 0o755);
      },
      [
        { type: 'file', source: join(process.cwd(), 'package.json'), destination: '/opt/app/package.json' },
        { type: 'shell', inline: ['test -e /dirname-ran && echo DIRNAME-RAN || echo dirname-never-ran'] },
      ],
    );
    const r = await t.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('dirname-never-ran');
    expect(existsSync(host)).toBe(false);
    expect(tinyImageFile(t.output, '/opt/app/package.json')).toBe(readFileSync('package.json', 'utf8'));
  }, 90_000);

  it('a download creates only regular files, directories and symlinks on the host, without setuid/setgid bits', async () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'bake-untrusted-dl-')), 'tree');
    dirs.push(join(dest, '..'));
    const t = bake(
      (root) => {
        mkdirSync(join(root, 'srv', 'out'), { recursive: true });
        execFileSync('mknod', [join(root, 'srv', 'out', 'disk'), 'b', '7', '0']);
        execFileSync('mknod', [join(root, 'srv', 'out', 'null'), 'c', '1', '3']);
        execFileSync('mkfifo', [join(root, 'srv', 'out', 'fifo')]);
        writeFileSync(join(root, 'srv', 'out', 'suid'), 'x');
        chmodSync(join(root, 'srv', 'out', 'suid'), 0o6755);
        symlinkSync('/etc/shadow', join(root, 'srv', 'out', 'link'));
      },
      [
        { type: 'file', direction: 'download', source: '/srv/out', destination: dest },
        { type: 'file', direction: 'download', source: '/srv/out/suid', destination: `${dest}-suid` },
        { type: 'file', direction: 'download', source: '/srv/out/fifo', destination: `${dest}-fifo` },
      ],
    );
    const r = await t.run();
    const out = r.stdout + r.stderr;
    expect(readdirSync(dest).sort()).toEqual(['link', 'suid']);
    expect(statSync(join(dest, 'suid')).mode & 0o7777).toBe(0o755);
    expect(lstatSync(join(dest, 'link')).isSymbolicLink()).toBe(true);
    expect(statSync(`${dest}-suid`).mode & 0o7777).toBe(0o755);
    expect(out).toContain('download: /srv/out/disk in the image is a block device: not copied to the host');
    expect(out).toContain('download: /srv/out/null in the image is a character device: not copied to the host');
    expect(out).toContain('download: /srv/out/suid in the image is setuid; the host copy is not');
    expect(out).toContain('/srv/out/fifo in the image is a FIFO: refusing to download it');
    expect(existsSync(`${dest}-fifo`)).toBe(false);
    expect(r.code).toBe(1);
  }, 90_000);

  it('a provisioner\'s own /etc/resolv.conf is kept and reported, even on the inode bake\'s copy had', async () => {
    const t = bake((root) => writeFileSync(join(root, 'etc', 'resolv.conf'), 'nameserver 192.0.2.1\n'), [
      { type: 'shell', inline: ['ls -i /etc/resolv.conf', 'rm /etc/resolv.conf', 'echo "nameserver 192.0.2.53" > /etc/resolv.conf', 'ls -i /etc/resolv.conf'] },
    ]);
    const r = await t.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // ext4 hands the freed inode to the new file: the inode alone cannot tell them apart.
    const inodes = [...r.stdout.matchAll(/(\d+) \/etc\/resolv\.conf/g)].map((m) => m[1]);
    expect(inodes).toHaveLength(2);
    expect(inodes[0]).toBe(inodes[1]);
    expect(r.stdout).toContain('/etc/resolv.conf was replaced during provisioning; keeping the new one');
    expect(tinyImageFile(t.output, '/etc/resolv.conf')).toBe('nameserver 192.0.2.53\n');
    expect(tinyImageFile(t.output, '/etc/.resolv.conf.bake-saved')).toBeUndefined();
  }, 90_000);

  it('chroot_network "none": the image\'s programs see only a loopback interface of their own', async () => {
    const t = bake(() => {}, [{ type: 'shell', inline: ['echo "interfaces: $(ls /sys/class/net | tr "\\n" " ")"'] }], { chroot_network: 'none' });
    const r = await t.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('interfaces: lo \n');
  }, 90_000);

  describe('what the image runs, in the sandbox', () => {
    const hostFile = join(hostDir, 'written-through-proc');
    // A sysctl no namespace covers, and a key in root's user keyring (shared by every root process of the host).
    const sysctl = '/proc/sys/kernel/printk_ratelimit_burst';
    const sysctlBefore = readFileSync(sysctl, 'utf8');
    const key = `bake-untrusted-${process.pid}-${Date.now()}`;
    let out = '';
    beforeAll(async () => {
      const t = bake((root) => withHostProgram(root, '/usr/bin/perl'), [
        {
          type: 'shell',
          inline: [
            // Every process's root and cwd, and bake's own open files, as the sandbox's /proc shows them.
            `for p in /proc/[0-9]*; do echo x > "$p/root${hostFile}" || :; echo x > "$p/cwd${hostFile}" || :; for f in $p/fd/*; do echo x > "$f/${hostFile}" || :; done; done 2>/dev/null; echo proc-walk-done`,
            'echo bake-sysctl > /proc/sys/kernel/domainname && echo SYSCTL-WRITTEN || echo sysctl-refused',
            `echo ${Number(sysctlBefore) + 1} > ${sysctl} && echo HOST-SYSCTL-WRITTEN || echo host-sysctl-refused`,
            'echo 0 > /proc/sysrq-trigger && echo SYSRQ-WRITTEN || echo sysrq-refused',
            'mount -o remount,rw /sys && echo SYS-REMOUNTED || echo sys-remount-refused',
            'echo "dev: $(ls -A /dev | tr "\\n" " ")"',
            `for d in /root /tmp /var/tmp /run /dev /dev/shm; do mknod $d/disk b ${disk.major} ${disk.minor} 2>/dev/null || :; head -c 16 $d/disk || :; echo " <- $d"; done`,
            'grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status',
            'mount -t tmpfs none /mnt 2>&1 || echo mount-refused',
            'unshare -U -r id 2>&1 || echo userns-refused',
            'dmesg >/dev/null 2>&1 && echo KERNEL-LOG-READ || echo kernel-log-refused',
            `perl -e '${keyring('add', key)}' 2>&1`,
          ],
        },
      ]);
      const r = await t.run();
      out = r.stdout + r.stderr;
      expect(r.code, out).toBe(0);
    }, 90_000);
    afterAll(() => {
      // Only if the sandbox failed: put the host back.
      if (readFileSync(sysctl, 'utf8') !== sysctlBefore) writeFileSync(sysctl, sysctlBefore);
      execFileSync('perl', ['-e', keyring('remove', key)]);
    });

    it('no process can reach the host\'s / through /proc (pid 1\'s root, the holder\'s cwd, open file descriptors)', () => {
      expect(out).toContain('proc-walk-done');
      expect(existsSync(hostFile)).toBe(false);
    });

    it('/proc/sys and /proc/sysrq-trigger are read-only: the host\'s sysctl is unchanged', () => {
      expect(out).toContain('sysctl-refused');
      expect(out).toContain('host-sysctl-refused');
      expect(readFileSync(sysctl, 'utf8')).toBe(sysctlBefore);
      expect(out).not.toContain('SYSCTL-WRITTEN');
      expect(out).not.toContain('SYSRQ-WRITTEN');
    });

    it('/sys cannot be remounted read-write, nor anything mounted', () => {
      expect(out).toContain('sys-remount-refused');
      expect(out).not.toContain('SYS-REMOUNTED');
      expect(out).toContain('mount-refused');
    });

    it('a block device node made on any writable filesystem never reads a host disk', () => {
      expect(out.match(/ <- \/(root|tmp|var\/tmp|run|dev|dev\/shm)\n/g)).toHaveLength(6);
      expect(out).not.toContain('HOST-DISK-SECRET');
    });

    it('/dev holds only the minimal set', () => {
      // The device nodes bwrap binds from the host, its links into /proc, devpts and shm, and bake's own read-only I/O directory.
      expect(out).toContain(' dev: .bake core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero \n');
    });

    it('runs without CAP_SYS_ADMIN and the machine\'s capabilities, even in the bounding set, under no_new_privs and seccomp', () => {
      const caps = (name: string) => BigInt(`0x${new RegExp(`${name}:\\s*([0-9a-f]+)`).exec(out)?.[1] ?? 'ffffffffffffffff'}`);
      // CAP_NET_ADMIN 12, SYS_MODULE 16, SYS_RAWIO 17, SYS_PTRACE 19, SYS_ADMIN 21, SYS_BOOT 22, SYS_TIME 25.
      for (const bit of [12, 16, 17, 19, 21, 22, 25]) {
        expect((caps('CapEff') >> BigInt(bit)) & 1n, `CapEff bit ${bit}`).toBe(0n);
        expect((caps('CapBnd') >> BigInt(bit)) & 1n, `CapBnd bit ${bit}`).toBe(0n);
      }
      expect(out).toMatch(/NoNewPrivs:\s*1/);
      expect(out).toMatch(/Seccomp:\s*2/);
    });

    it('seccomp: no new user namespace (which would give every capability back inside it), no kernel log', () => {
      expect(out).toContain('userns-refused');
      expect(out).toContain('kernel-log-refused');
      expect(out).not.toContain('KERNEL-LOG-READ');
    });

    it('seccomp: no key reaches the host root\'s keyring (keyrings are not namespaced)', () => {
      expect(out).toContain('keyring-refused: Operation not permitted');
      expect(execFileSync('perl', ['-e', keyring('find', key)], { encoding: 'utf8' })).toBe('no key\n');
    });
  });
});
