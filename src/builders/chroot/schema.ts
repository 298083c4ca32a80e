import type { FromSchema } from 'json-schema-to-ts';
import { bool, oneOfStrings, str, stringList } from '../../plugins/schema-helpers.js';

/** The `chroot` builder's options: qemu's image and output options, and Packer amazon-chroot's names for the chroot ones. */
export const chrootSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    iso_url: str('Base disk image: a path, file:// or http(s):// URL (qcow2 or raw). Without iso_url/iso_urls bake uses its own Debian 12 base image, built once and cached.'),
    iso_urls: stringList('Alternatives for iso_url, tried in order until one downloads.'),
    iso_checksum: str('Checksum of the image: "sha256:HEX" (also md5/sha1/sha512, or a bare hex digest), "file:URL" of a checksum file, or "none".'),
    disk_size: str('Size of the disk, e.g. "4G" or "4096M" (a bare number is MiB). The disk, its last partition and (ext2/3/4) its filesystem grow to it before provisioning.'),
    format: oneOfStrings(['qcow2', 'raw'] as const, 'Format of the output image.', 'qcow2'),
    output_directory: str('Directory that receives the image (default "output-<build name>", relative to the working directory); refused if it exists unless -force.'),
    vm_name: str('File name of the image inside output_directory (default "packer-<build name>", as Packer).'),
    disk_compression: bool('Compress the qcow2 output (zstd where qemu-img supports it, else zlib).', false),
    skip_compaction: bool('qcow2 output is always written by qemu-img convert (which leaves out unused space); accepted for compatibility with the qemu builder.'),
    mount_partition: str('Number of the partition that holds the root filesystem ("0": the disk has no partition table). Default: the partition with /etc/os-release.'),
    mount_path: str('Where the root filesystem is mounted, inside the build\'s private mount namespace (default: a new temporary directory). Nothing is mounted on the host.'),
    mount_options: stringList('Extra mount options for the root filesystem, e.g. ["noatime"].'),
    chroot_mounts: {
      type: 'array',
      items: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 3 },
      description: 'Filesystems mounted into the chroot, as [type, source, mount point] ("bind" binds a host path). Replaces bake\'s default: proc, read-only sysfs, a minimal /dev with its own devpts, tmpfs on /dev/shm, /run and /tmp.',
    },
    copy_files: stringList('Host files put in place of the image\'s own for the build; afterwards the image\'s own are back exactly as they were, unless a provisioner replaced the file (default ["/etc/resolv.conf"], so the build resolves names with the host\'s resolver).'),
    pre_mount_commands: stringList('Host commands run before the image is mounted; {{.Device}} is the working raw disk file, {{.MountPath}} the mount path.'),
    post_mount_commands: stringList('Commands run after everything is mounted, on the host\'s tools inside the build\'s namespace (so they see the mounts); {{.Device}} and {{.MountPath}} as in pre_mount_commands.'),
    qemu_binary_source_path: str('The user-mode emulator on the host that runs a foreign-architecture image\'s programs (e.g. "/usr/bin/qemu-aarch64-static"), as the community arm builder. Default: the interpreter of the binfmt_misc handler that matches the image. Used only when bake copies it into the image (see qemu_binary_destination_path).'),
    qemu_binary_destination_path: str('Where a copy of the emulator goes inside the image for the build; removed afterwards, so the image ships without it. Needed only when the binfmt_misc handler lacks the F flag (then it must be the handler\'s interpreter path, the default); setting it copies the emulator even with F.'),
    chroot_network: oneOfStrings(
      ['host', 'none', 'private'] as const,
      'The network of the image\'s programs. "host" (default): the host\'s own, as a plain chroot has it, so apt-get works; they can also reach the host\'s loopback services and, on a cloud host, its instance metadata service. "none": only a loopback interface of their own (install from files uploaded into the image). "private": outbound connections only, through pasta (Debian\'s passt package): other machines, never this host\'s loopback, its own addresses or the instance metadata service.',
      'host',
    ),
    command_wrapper: str('Wraps every command run in the chroot; {{.Command}} is the command (e.g. "nice {{.Command}}").', '{{.Command}}'),
  },
} as const;

export type ChrootConfig = FromSchema<typeof chrootSchema>;
