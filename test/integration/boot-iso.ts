import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * A small bootable ISO for installer-style tests: isolinux waiting at its `boot:` prompt (no
 * timeout), with the kernel and initrd of bake's base image. Whatever the boot command types
 * after the label "bake" is added to the kernel command line. Built from Debian packages
 * (isolinux, syslinux-common, xorriso) and cached beside the base image it was taken from.
 */
export function bootIso(baseImage: string): string {
  const iso = join(dirname(baseImage), `${basename(baseImage, '.qcow2')}-boot-prompt.iso`);
  if (existsSync(iso)) return iso;
  const work = mkdtempSync(join(tmpdir(), 'bake-boot-iso-'));
  try {
    const raw = join(work, 'disk.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', baseImage, raw]);
    // Partition 1 starts at 1 MiB (scripts/base-image/build.sh).
    const fs = `${raw}?offset=1048576`;
    const boot = execFileSync('debugfs', ['-R', 'ls -p /boot', fs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const kver = boot.split('\n').map((l) => l.split('/')[5] ?? '').map((n) => /^vmlinuz-(.+)$/.exec(n)?.[1]).filter(Boolean).sort().pop();
    if (!kver) throw new Error(`no kernel in /boot of ${baseImage}`);
    const tree = join(work, 'iso');
    mkdirSync(join(tree, 'isolinux'), { recursive: true });
    execFileSync('debugfs', ['-R', `dump /boot/vmlinuz-${kver} ${join(tree, 'vmlinuz')}`, fs], { stdio: 'ignore' });
    execFileSync('debugfs', ['-R', `dump /boot/initrd.img-${kver} ${join(tree, 'initrd.img')}`, fs], { stdio: 'ignore' });
    copyFileSync('/usr/lib/ISOLINUX/isolinux.bin', join(tree, 'isolinux', 'isolinux.bin'));
    copyFileSync('/usr/lib/syslinux/modules/bios/ldlinux.c32', join(tree, 'isolinux', 'ldlinux.c32'));
    writeFileSync(
      join(tree, 'isolinux', 'isolinux.cfg'),
      ['SERIAL 0 115200', 'PROMPT 1', 'TIMEOUT 0', 'SAY bake test ISO: type "bake" and kernel arguments', 'LABEL bake', '  KERNEL /vmlinuz', '  APPEND initrd=/initrd.img ro console=ttyS0,115200 net.ifnames=0 mitigations=off', ''].join('\n'),
    );
    rmSync(raw);
    const part = `${iso}.part-${process.pid}`;
    execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-o', part, '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '-V', 'BAKEBOOT', tree], { stdio: 'ignore' });
    renameSync(part, iso);
    return iso;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The UUID of the base image's root filesystem (ext4 superblock at 1 MiB + 1 KiB), for a root=UUID= that does not depend on disk order. */
export function rootFsUuid(baseImage: string): string {
  const work = mkdtempSync(join(tmpdir(), 'bake-sb-'));
  try {
    const sb = join(work, 'sb');
    // qemu-img dd counts `count` from the start of the input, skipped blocks included.
    execFileSync('qemu-img', ['dd', '-f', 'qcow2', '-O', 'raw', `if=${baseImage}`, `of=${sb}`, 'bs=1024', 'skip=1025', 'count=1026']);
    const block = readFileSync(sb);
    if (block.readUInt16LE(0x38) !== 0xef53) throw new Error(`no ext4 superblock at 1 MiB in ${baseImage}`);
    const hex = block.subarray(0x68, 0x78).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
