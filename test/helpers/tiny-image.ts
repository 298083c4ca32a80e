import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Programs of the image: busybox applets, each a link to the one static busybox. */
const APPLETS = ['sh', 'cat', 'echo', 'ls', 'mknod', 'mount', 'id', 'sleep', 'head', 'mkdir', 'chmod', 'chown', 'rm', 'grep', 'stat', 'test', 'touch', 'dirname', 'tar', 'readlink', 'sysctl', 'tr', 'hostname', 'ps', 'wc'];

/** Whether this host has a static busybox (Debian's busybox-static) to make tiny images with. */
export const STATIC_BUSYBOX = '/bin/busybox';

/**
 * A tiny image made as an attacker would: a directory with a static busybox as every program,
 * shaped by `customize` (links, FIFOs, device nodes, trojaned programs), turned into a whole-disk
 * ext4 filesystem with `mkfs.ext4 -d` — no VM, no network, a second or so.
 */
export function tinyImage(dir: string, customize: (root: string) => void = () => {}): string {
  const root = join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'run', 'root', 'var/tmp']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(STATIC_BUSYBOX, join(root, 'bin', 'busybox'));
  for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
  writeFileSync(join(root, 'etc', 'os-release'), 'ID=tiny\n');
  customize(root);
  const raw = join(dir, 'tiny.raw');
  execFileSync('truncate', ['-s', '48M', raw]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-d', root, raw]);
  return raw;
}

/** A file of a tiny image's filesystem (whole disk), read offline with debugfs; undefined when it is missing. */
export function tinyImageFile(raw: string, path: string): string | undefined {
  const stat = execFileSync('debugfs', ['-R', `stat ${path}`, raw], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (!stat.includes('Inode:')) return undefined;
  return execFileSync('debugfs', ['-R', `cat ${path}`, raw], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}
