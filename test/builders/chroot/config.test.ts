import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseFstab } from '../../../src/builders/chroot/fstab.js';
import { type Partition, partitionFor } from '../../../src/builders/chroot/partitions.js';
import { resolveChrootConfig } from '../../../src/builders/chroot/resolve.js';
import { outputDirStep } from '../../../src/builders/chroot/steps/output-dir.js';
import { makeBuildContext } from '../../helpers/context.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: '/tmp' };

describe('chroot builder config', () => {
  it('defaults: bake\'s base image, qcow2, resolv.conf from the host, commands unwrapped', () => {
    const c = resolveChrootConfig({}, env);
    expect(c).toMatchObject({ source: { kind: 'base' }, format: 'qcow2', copyFiles: ['/etc/resolv.conf'], commandWrapper: '{{.Command}}', compress: false });
    expect(c.mountPartition).toBeUndefined();
    expect(c.chrootMounts).toBeUndefined();
  });

  it.each([
    [{ iso_url: 'x.qcow2' }, 't.json: builders[0].iso_checksum: required with iso_url (use "none" to skip verification)'],
    [{ disk_compression: true, format: 'raw' as const }, 't.json: builders[0].disk_compression: needs format "qcow2"'],
    [{ disk_size: 'big' }, 't.json: builders[0].disk_size: must be a size like "4G" or "4096M", got "big"'],
    [{ mount_partition: 'sda1' }, 't.json: builders[0].mount_partition: must be a partition number like "1" ("0": no partition table), got "sda1"'],
    [{ chroot_mounts: [['proc', 'proc', 'proc']] }, 't.json: builders[0].chroot_mounts[0][2]: must be an absolute path inside the image, got "proc"'],
    [{ copy_files: ['etc/hosts'] }, 't.json: builders[0].copy_files[0]: must be an absolute path, got "etc/hosts"'],
    [{ command_wrapper: 'sudo' }, 't.json: builders[0].command_wrapper: must contain {{.Command}}'],
    [{ qemu_binary_source_path: 'qemu-aarch64-static' }, 't.json: builders[0].qemu_binary_source_path: must be an absolute path, got "qemu-aarch64-static"'],
    [{ qemu_binary_destination_path: 'usr/bin/qemu-aarch64-static' }, 't.json: builders[0].qemu_binary_destination_path: must be an absolute path, got "usr/bin/qemu-aarch64-static"'],
  ])('refuses %j', (config, message) => {
    expect(() => resolveChrootConfig(config, env)).toThrow(message);
  });

  describe('without root', () => {
    afterEach(() => vi.restoreAllMocks());
    it('fails with one line that says why root is needed, before creating anything', async () => {
      vi.spyOn(process, 'getuid').mockReturnValue(1000);
      const step = outputDirStep(resolveChrootConfig({ output_directory: '/nonexistent/out' }, env), { succeeded: false });
      await expect(step.run(makeBuildContext(), {})).rejects.toThrow(
        't.json: builders[0]: the chroot builder needs root (it mounts the image\'s filesystems in a private namespace): run bake as root, e.g. `sudo bake build`, or use the qemu builder',
      );
    });
  });
});

describe('fstab and partitions', () => {
  const parts: Partition[] = [
    { number: 1, offset: 1048576, size: 512 << 20, fsType: 'vfat', uuid: 'ABCD-1234', label: 'EFI', partUuid: 'dcbbb739-01' },
    { number: 2, offset: 600 << 20, size: 1 << 30, fsType: 'ext4', uuid: '6d17422d-b8f3-433b-8881-84cbc40ff3eb', label: 'root', partUuid: 'dcbbb739-02' },
  ];

  it('keeps the disk filesystems below /, parents first, and skips swap, virtual and noauto entries', () => {
    const text = [
      '# /etc/fstab',
      'UUID=6d17422d-b8f3-433b-8881-84cbc40ff3eb / ext4 defaults 0 1',
      'LABEL=data /srv/data ext4 defaults 0 2',
      'UUID=ABCD-1234 /boot/efi vfat umask=0077 0 1',
      'PARTUUID=dcbbb739-02 /boot ext4 defaults 0 2',
      '/dev/vda3 none swap sw 0 0',
      'tmpfs /tmp tmpfs defaults 0 0',
      '/dev/vdb1 /mnt/x ext4 noauto 0 0',
    ].join('\n');
    expect(parseFstab(text).map((e) => e.target)).toEqual(['/boot', '/srv/data', '/boot/efi']);
  });

  it.each([
    ['UUID=abcd-1234', 1],
    ['LABEL=root', 2],
    ['PARTUUID=DCBBB739-02', 2],
    ['/dev/disk/by-uuid/ABCD-1234', 1],
    ['/dev/vda2', 2],
    ['/dev/nvme0n1p1', 1],
  ])('%s is partition %i of this disk', (spec, number) => {
    expect(partitionFor(spec, parts)?.number).toBe(number);
  });

  it('names no partition for a filesystem that is not on this disk', () => {
    expect(partitionFor('UUID=ffff', parts)).toBeUndefined();
    expect(partitionFor('server:/export', parts)).toBeUndefined();
  });
});
