import { sshUnsupported, winrmUnsupported } from '../../communicator/index.js';
import type { Unsupported } from '../../plugins/types.js';

const display = 'bake always runs QEMU headless, without VNC, and types boot_command through QMP';
const tpm = 'a virtual TPM is not supported yet (it needs swtpm)';
/** Packer's qemu builder passes `display` only to a QEMU with a window: headless, it is unused there too. */
const unusedWhenHeadless = (config: Record<string, unknown>) => (String(config.headless) === 'true' ? 'as headless is true' : undefined);

/** Every other option Packer's qemu builder documents: accepted with a warning when ignoring it cannot change the image. */
export const qemuUnsupported: Unsupported = {
  ...sshUnsupported,
  ...winrmUnsupported,
  temporary_key_pair_name: { effect: 'warn', why: 'only meaningful for cloud builders: the qemu builder\'s temporary key is injected through the seed CD' },
  http_interface: { effect: 'warn', why: 'the guest always reaches the HTTP server at 10.0.2.2 through QEMU\'s user networking' },
  run_once: { effect: 'warn', why: 'unused, as in Packer' },
  http_network_protocol: { effect: 'warn', why: 'the HTTP server listens on the family of http_bind_address' },
  floppy_label: { effect: 'warn', why: 'the floppy is a FAT directory QEMU presents, with QEMU\'s own label' },
  iso_target_path: { effect: 'warn', why: 'downloads are cached under bake\'s cache directory' },
  iso_target_extension: { effect: 'warn', why: 'downloads are cached under bake\'s cache directory', inert: ['iso'] },
  iso_skip_cache: { effect: 'warn', why: 'a verified download is always reused', inert: [false] },
  disk_additional_size: { effect: 'error', why: 'additional disks are not supported yet' },
  cdrom_interface: { effect: 'warn', why: 'CDs are always attached as IDE CD-ROMs, which every firmware and installer reads' },
  vtpm: { effect: 'error', why: tpm, inert: [false] },
  use_tpm1: { effect: 'error', why: tpm, inert: [false] },
  tpm_device_type: { effect: 'warn', why: 'without vtpm there is no TPM device' },
  net_bridge: { effect: 'error', why: 'bridged networking is not supported; bake uses user-mode networking with a forwarded SSH port' },
  skip_nat_mapping: { effect: 'error', why: 'bake reaches the guest through its forwarded SSH port (true only makes sense with net_bridge)', inert: [false] },
  use_default_display: { effect: 'warn', why: display, inert: [false], inertWhen: unusedWhenHeadless },
  display: { effect: 'warn', why: display, inertWhen: unusedWhenHeadless },
  disable_vnc: { effect: 'warn', why: display },
  vnc_bind_address: { effect: 'warn', why: display, inert: ['127.0.0.1'] },
  vnc_port_min: { effect: 'warn', why: display, inert: [5900] },
  vnc_port_max: { effect: 'warn', why: display, inert: [6000] },
  vnc_use_password: { effect: 'warn', why: display },
  vnc_password: { effect: 'warn', why: display },
  qmp_enable: { effect: 'warn', why: 'bake always talks to QEMU over a private QMP socket' },
  qmp_socket_path: { effect: 'warn', why: 'bake always talks to QEMU over a private QMP socket' },
};
