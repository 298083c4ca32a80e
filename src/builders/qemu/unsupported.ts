import { sshUnsupported } from '../../communicator/ssh-config.js';
import type { Unsupported } from '../../plugins/types.js';

const display = 'bake always runs QEMU headless, without VNC, and types boot_command through QMP';
const efi = 'UEFI boot is not supported yet; use a BIOS-bootable image';

/** Every other option Packer's qemu builder documents: accepted with a warning when ignoring it cannot change the image. */
export const qemuUnsupported: Unsupported = {
  ...sshUnsupported,
  http_network_protocol: { effect: 'warn', why: 'the HTTP server listens on the family of http_bind_address' },
  floppy_label: { effect: 'warn', why: 'the floppy is a FAT directory QEMU presents, with QEMU\'s own label' },
  cdrom_interface: { effect: 'warn', why: 'the seed CD is always attached as an IDE CD-ROM' },
  iso_target_path: { effect: 'warn', why: 'downloads are cached under bake\'s cache directory' },
  iso_target_extension: { effect: 'warn', why: 'downloads are cached under bake\'s cache directory' },
  iso_skip_cache: { effect: 'warn', why: 'a verified download is always reused' },
  disk_additional_size: { effect: 'error', why: 'additional disks are not supported yet' },
  firmware: { effect: 'error', why: efi },
  use_pflash: { effect: 'error', why: efi },
  efi_boot: { effect: 'error', why: efi },
  efi_firmware_code: { effect: 'error', why: efi },
  efi_firmware_vars: { effect: 'error', why: efi },
  efi_drop_efivars: { effect: 'warn', why: efi },
  vtpm: { effect: 'error', why: 'a virtual TPM is not supported yet' },
  tpm_device_type: { effect: 'error', why: 'a virtual TPM is not supported yet' },
  sockets: { effect: 'warn', why: 'the CPU topology is set by cpus only' },
  cores: { effect: 'warn', why: 'the CPU topology is set by cpus only' },
  threads: { effect: 'warn', why: 'the CPU topology is set by cpus only' },
  net_bridge: { effect: 'error', why: 'bridged networking is not supported; bake uses user-mode networking with a forwarded SSH port' },
  skip_nat_mapping: { effect: 'error', why: 'bake reaches the guest through its forwarded SSH port' },
  use_default_display: { effect: 'warn', why: display },
  display: { effect: 'warn', why: display },
  disable_vnc: { effect: 'warn', why: display },
  vnc_bind_address: { effect: 'warn', why: display },
  vnc_port_min: { effect: 'warn', why: display },
  vnc_port_max: { effect: 'warn', why: display },
  vnc_use_password: { effect: 'warn', why: display },
  qmp_enable: { effect: 'warn', why: 'bake always talks to QEMU over a private QMP socket' },
  qmp_socket_path: { effect: 'warn', why: 'bake always talks to QEMU over a private QMP socket' },
  winrm_username: { effect: 'error', why: 'WinRM is not supported; use SSH' },
  winrm_password: { effect: 'error', why: 'WinRM is not supported; use SSH' },
  winrm_host: { effect: 'error', why: 'WinRM is not supported; use SSH' },
  winrm_port: { effect: 'error', why: 'WinRM is not supported; use SSH' },
  winrm_use_ssl: { effect: 'error', why: 'WinRM is not supported; use SSH' },
  winrm_insecure: { effect: 'error', why: 'WinRM is not supported; use SSH' },
  winrm_timeout: { effect: 'error', why: 'WinRM is not supported; use SSH' },
};
