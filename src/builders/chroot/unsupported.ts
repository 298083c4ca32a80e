import type { Unsupported } from '../../plugins/types.js';

const noBoot = 'the chroot builder boots nothing: drop the boot options when switching a template from qemu';

/** Options of Packer's qemu and amazon-chroot builders that mean nothing here, or that bake does not do yet. */
export const chrootUnsupported: Unsupported = {
  ...Object.fromEntries(
    ['boot_wait', 'boot_command', 'shutdown_command', 'shutdown_timeout', 'accelerator', 'memory', 'cpus', 'headless', 'qemu_binary', 'qemuargs', 'net_device', 'disk_interface', 'disk_cache', 'disk_discard', 'disk_detect_zeroes', 'machine_type', 'cpu_model', 'ssh_username', 'ssh_password', 'ssh_private_key_file', 'ssh_timeout', 'communicator', 'cd_files', 'cd_label', 'user_data', 'meta_data', 'host_port_min', 'host_port_max', 'vnc_bind_address', 'disk_image'].map((k) => [k, { effect: 'warn', why: noBoot }] as const),
  ),
  use_backing_file: { effect: 'error', why: 'the chroot builder writes a full image; use the qemu builder for a qcow2 overlay on the base image' },
  nvme_device_path: { effect: 'warn', why: 'there is no device: the image is a local file' },
  device_path: { effect: 'warn', why: 'there is no device: the image is a local file' },
};
