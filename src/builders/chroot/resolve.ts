import { isAbsolute, resolve as resolvePath } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseDiskSize, type Source, resolveSource } from '../../local-image/index.js';
import type { PluginEnv } from '../../plugins/types.js';
import type { ChrootConfig } from './schema.js';

/** A filesystem mounted into the chroot: [type, source, mount point] as Packer's chroot_mounts. */
export interface ChrootMount {
  type: string;
  source: string;
  target: string;
}

/** The chroot builder's config with defaults applied and paths absolute: all the steps see. */
export interface ResolvedChroot {
  env: PluginEnv;
  source: Source;
  diskSizeMiB?: number;
  format: 'qcow2' | 'raw';
  outputDir?: string;
  vmName?: string;
  compress: boolean;
  /** Undefined: the partition that holds /etc/os-release; 0: the whole disk. */
  mountPartition?: number;
  mountPath?: string;
  mountOptions: string[];
  /** Undefined: bake's own set (see api-mounts.ts). */
  chrootMounts?: ChrootMount[];
  copyFiles: string[];
  preMountCommands: string[];
  postMountCommands: string[];
  commandWrapper: string;
  /** chroot_network: the network namespace the image's programs get. */
  network: 'host' | 'none' | 'private';
  /** qemu_binary_source_path / qemu_binary_destination_path, for an image of another architecture. */
  qemuSource?: string;
  qemuDestination?: string;
}

export function resolveChrootConfig(config: ChrootConfig, env: PluginEnv): ResolvedChroot {
  const at = (key: string) => `${env.file}: ${env.path}.${key}`;
  const source = resolveSource(config, at);
  const format = config.format ?? 'qcow2';
  const compress = config.disk_compression ?? false;
  if (compress && format !== 'qcow2') throw new UsageError(`${at('disk_compression')}: needs format "qcow2"`);
  let diskSizeMiB: number | undefined;
  if (config.disk_size !== undefined) {
    diskSizeMiB = parseDiskSize(config.disk_size);
    if (diskSizeMiB === undefined) throw new UsageError(`${at('disk_size')}: must be a size like "4G" or "4096M", got "${config.disk_size}"`);
  }
  let mountPartition: number | undefined;
  if (config.mount_partition !== undefined && config.mount_partition !== '') {
    if (!/^\d+$/.test(config.mount_partition)) throw new UsageError(`${at('mount_partition')}: must be a partition number like "1" ("0": no partition table), got "${config.mount_partition}"`);
    mountPartition = Number(config.mount_partition);
  }
  const mountPath = config.mount_path ? resolvePath(config.mount_path) : undefined;
  if (mountPath === '/') throw new UsageError(`${at('mount_path')}: must not be "/"`);
  const chrootMounts = config.chroot_mounts?.map(([type, source, target], i) => {
    if (!target!.startsWith('/')) throw new UsageError(`${at(`chroot_mounts[${i}][2]`)}: must be an absolute path inside the image, got "${target}"`);
    return { type: type!, source: source!, target: target! };
  });
  const copyFiles = config.copy_files ?? ['/etc/resolv.conf'];
  copyFiles.forEach((f, i) => {
    if (!isAbsolute(f)) throw new UsageError(`${at(`copy_files[${i}]`)}: must be an absolute path, got "${f}"`);
  });
  const wrapper = config.command_wrapper ?? '{{.Command}}';
  if (!wrapper.includes('.Command')) throw new UsageError(`${at('command_wrapper')}: must contain {{.Command}}`);
  for (const key of ['qemu_binary_source_path', 'qemu_binary_destination_path'] as const) {
    const v = config[key];
    if (v !== undefined && !isAbsolute(v)) throw new UsageError(`${at(key)}: must be an absolute path, got "${v}"`);
  }
  return {
    env,
    source,
    diskSizeMiB,
    format,
    outputDir: config.output_directory ? resolvePath(config.output_directory) : undefined,
    vmName: config.vm_name || undefined,
    compress,
    mountPartition,
    mountPath,
    mountOptions: config.mount_options ?? [],
    chrootMounts,
    copyFiles,
    preMountCommands: config.pre_mount_commands ?? [],
    postMountCommands: config.post_mount_commands ?? [],
    commandWrapper: wrapper,
    network: config.chroot_network ?? 'host',
    qemuSource: config.qemu_binary_source_path || undefined,
    qemuDestination: config.qemu_binary_destination_path || undefined,
  };
}

/** The options that mount and provision a disk, shared with amazon-chroot (whose disk is an EBS volume, not an image file). */
export type MountConfig = Omit<ResolvedChroot, 'source' | 'diskSizeMiB' | 'format' | 'outputDir' | 'vmName' | 'compress'>;
