import { randomBytes } from 'node:crypto';
import { InRoot } from '../../chroot-sandbox/index.js';
import type { ChrootNamespace } from '../../communicator/index.js';
import { BakeError } from '../../core/errors.js';
import { type Partition, WRITABLE_FILESYSTEMS } from './partitions.js';

/** mount(8) options that put a byte range of the disk file on its own loop device, released (autoclear) when unmounted. */
export function loopOptions(p: Partition, extra: string[] = []): string {
  return ['loop', `offset=${p.offset}`, `sizelimit=${p.size}`, ...extra].join(',');
}

/**
 * The partition that holds the root filesystem: mount_partition, or else the one Linux filesystem
 * on the disk, or else the first whose /etc/os-release exists (each probed read-only).
 */
export async function findRoot(ns: ChrootNamespace, diskFile: string, parts: Partition[], probeDir: string, wanted?: number): Promise<Partition> {
  if (wanted !== undefined) {
    const p = parts.find((x) => x.number === wanted);
    if (!p) throw new BakeError(`chroot: mount_partition ${wanted}: the disk has ${parts.map((x) => (x.number === 0 ? 'no partition table' : `partition ${x.number}`)).join(', ')}`);
    return p;
  }
  const linux = parts.filter((p) => WRITABLE_FILESYSTEMS.includes(p.fsType));
  if (linux.length === 1) return linux[0]!;
  for (const p of linux) {
    const mounted = await ns.run(['mount', '-o', `ro,nodev,nosuid,noexec,${loopOptions(p)}`, diskFile, probeDir]).then(() => true, () => false);
    if (!mounted) continue;
    try {
      if (new InRoot(`/proc/${ns.pid}/root${probeDir}`).stat('/etc/os-release')) return p;
    } finally {
      await ns.run(['umount', probeDir]);
    }
  }
  const seen = parts.map((p) => `${p.number === 0 ? 'disk' : `partition ${p.number}`}: ${p.fsType || 'no filesystem'}`).join(', ');
  throw new BakeError(`chroot: no partition of the image holds a Linux root filesystem with /etc/os-release (${seen}); set mount_partition`);
}

/** Mounts the root filesystem read-write, refusing a filesystem bake cannot write. */
export async function mountRoot(ns: ChrootNamespace, diskFile: string, p: Partition, root: string, options: string[]): Promise<void> {
  const where = p.number === 0 ? 'the disk' : `partition ${p.number}`;
  if (!WRITABLE_FILESYSTEMS.includes(p.fsType)) {
    throw new BakeError(`chroot: the root filesystem on ${where} is ${p.fsType || 'not recognised'}, which bake cannot mount read-write (it mounts ${WRITABLE_FILESYSTEMS.join(', ')})`);
  }
  // No access times: reads during the build are not the image's history. nodev: a device node the
  // image holds (or a provisioner makes) never opens a host device.
  const atime = options.some((o) => /atime$/.test(o)) ? [] : ['noatime'];
  try {
    await ns.run(['mount', '-t', p.fsType, '-o', loopOptions(p, [...atime, ...options, 'nodev']), diskFile, root]);
  } catch (err) {
    throw new BakeError(`chroot: cannot mount the ${p.fsType} root filesystem on ${where} read-write: ${(err as Error).message.replace(/^chroot: /, '')}`);
  }
  // A fresh name created exclusively inside the image: whatever the image holds at any name, nothing is followed.
  const image = new InRoot(`/proc/${ns.pid}/root${root}`);
  const probe = `/.bake-rw-check-${randomBytes(6).toString('hex')}`;
  try {
    image.create(probe, Buffer.alloc(0));
  } catch (err) {
    throw new BakeError(`chroot: the ${p.fsType} root filesystem on ${where} mounted read-only (it may need fsck, or its features are newer than this kernel's): ${(err as Error).message}`);
  }
  image.unlink(probe);
}
