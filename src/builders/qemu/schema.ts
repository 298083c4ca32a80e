import type { FromSchema } from 'json-schema-to-ts';
import { sshConfigProperties } from '../../communicator/ssh-config.js';
import { bool, duration, int, oneOfStrings, str, stringList } from '../../plugins/schema-helpers.js';

/** The `qemu` builder's options: Packer's names for the cloud-image path, plus bake's `user_data`/`meta_data`. */
export const qemuSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...sshConfigProperties,
    iso_url: str('Base disk image: a path, file:// or http(s):// URL. Without iso_url/iso_urls bake uses its own Debian 12 base image, built once and cached.'),
    iso_urls: stringList('Alternatives for iso_url, tried in order until one downloads.'),
    iso_checksum: str('Checksum of the image: "sha256:HEX" (also md5/sha1/sha512, or a bare hex digest), "file:URL" of a checksum file, or "none".'),
    disk_image: bool('The source is a bootable disk image (the cloud-image path). bake only supports this path; "false" (installing from an ISO) is refused.', true),
    use_backing_file: bool('Make the disk a qcow2 overlay on the cached base image instead of a full copy (format must be qcow2).', false),
    disk_size: str('Size of the disk, e.g. "4G" or "4096M" (a bare number is MiB). The disk grows to it; cloud-init grows the root filesystem on first boot.'),
    format: oneOfStrings(['qcow2', 'raw'] as const, 'Format of the output image.', 'qcow2'),
    output_directory: str('Directory that receives the image (default "output-<build name>", relative to the working directory); refused if it exists unless -force.'),
    vm_name: str('File name of the image inside output_directory (default "packer-<build name>", as Packer).'),
    disk_compression: bool('Compress the qcow2 output (zstd where qemu-img supports it, else zlib).', false),
    skip_compaction: bool('Set to false to rewrite (compact) the image with qemu-img convert after the build; bake skips that by default unless disk_compression asks for it.'),
    accelerator: oneOfStrings(
      ['none', 'auto', 'kvm', 'tcg', 'hvf', 'whpx', 'xen'] as const,
      '"none" (the default) or "auto" tries KVM and falls back to TCG, with one warning, when KVM cannot run guests on this host; "kvm" fails instead of falling back.',
      'none',
    ),
    memory: int('Guest memory in MiB.', 1024, 64),
    cpus: int('Number of virtual CPUs (default: 2 when the host has two or more cores, else 1; Packer defaults to 1).', undefined, 1),
    headless: bool('Run without a display window (bake always runs QEMU without a window; false is accepted for compatibility).', true),
    qemu_binary: str('QEMU program to run.', 'qemu-system-x86_64'),
    qemuargs: {
      type: 'array',
      items: { type: 'array', items: { type: 'string' } },
      description: 'Extra QEMU arguments, e.g. [["-smp", "2"]]; an option given here replaces bake\'s own value for it.',
    },
    net_device: str('QEMU network device model.', 'virtio-net'),
    disk_interface: oneOfStrings(['virtio', 'virtio-scsi', 'scsi', 'ide', 'sata'] as const, 'How the disk is attached to the guest.', 'virtio'),
    disk_cache: str('QEMU disk cache mode.', 'writeback'),
    disk_discard: oneOfStrings(['unmap', 'ignore'] as const, 'Pass discards to the image (unmap) or not.', 'ignore'),
    disk_detect_zeroes: oneOfStrings(['off', 'on', 'unmap'] as const, 'Detect written zeroes.', 'off'),
    machine_type: str('QEMU machine type.', 'pc'),
    cpu_model: str('QEMU CPU model (default "host" under KVM, QEMU\'s default under TCG).'),
    boot_wait: duration('Wait this long after starting QEMU before the first SSH attempt (bake probes SSH from the start, so the default is 0s).', '0s'),
    shutdown_command: str('Command run over SSH to stop the guest (e.g. "sudo shutdown -P now"); without it bake sends an ACPI power-down through QMP.'),
    shutdown_timeout: duration('How long to wait for the guest to power off before QEMU is killed.', '5m'),
    host_port_min: int('Lowest host port to forward to the guest\'s SSH.', 2222, 1),
    host_port_max: int('Highest host port to forward to the guest\'s SSH.', 4444, 1),
    ssh_host_port_min: int('Old name of host_port_min.', undefined, 1),
    ssh_host_port_max: int('Old name of host_port_max.', undefined, 1),
    cd_files: stringList('Files and directories to put on a CD attached to the guest (with the generated NoCloud seed when cd_label is "cidata").'),
    cd_label: str('Volume label of the CD made from cd_files.'),
    user_data: str('cloud-init user-data for the NoCloud seed, instead of bake\'s default (which creates the SSH user with the build key).'),
    meta_data: str('cloud-init meta-data for the NoCloud seed.'),
    qemu_img_args: {
      type: 'object',
      additionalProperties: false,
      properties: {
        convert: stringList('Extra arguments to qemu-img convert.'),
        create: stringList('Extra arguments to qemu-img create.'),
        resize: stringList('Extra arguments to qemu-img resize.'),
      },
      description: 'Extra arguments to qemu-img, by subcommand.',
    },
    skip_resize_disk: bool('Do not grow the disk to disk_size.', false),
  },
} as const;

export type QemuConfig = FromSchema<typeof qemuSchema>;
