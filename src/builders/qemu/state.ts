import type { Communicator } from '../../communicator/types.js';
import type { QemuProcess } from './qemu-process.js';
import type { QmpClient } from './qmp.js';

/** Shared by the steps through the closure, not the pipeline state: set by the last step only. */
export interface Outcome {
  succeeded: boolean;
}

export interface OutputState {
  outputDir: string;
  imagePath: string;
  /** Private temporary directory: seed ISO, QMP socket, serial log. */
  workDir: string;
}

export type { OpenedSource as SourceState } from '../../local-image/index.js';

export interface DiskState {
  diskFormat: 'qcow2' | 'raw';
  /** disk_image false: the installer ISO to boot once from CD. */
  installerIso?: string;
}

export interface SeedState {
  seedIso?: string;
  /** The temporary private key, only ever in memory. */
  privateKey?: string;
  /** Its public half, for {{ .SSHPublicKey }} in boot_command and http_content. */
  publicKey?: string;
  /** The host key given to cloud-init in the seed ("ssh-ed25519 AAAA…"): the only one SSH accepts. */
  hostPublicKey?: string;
}

export interface EfiState {
  /** efi_boot: this build's copy of the firmware's variable store. */
  efiVars?: string;
  /** Whether efiVars is in output_directory and part of the artifact (no efi_drop_efivars). */
  keepEfiVars?: boolean;
}

export interface FloppyState {
  /** Directory QEMU presents as a FAT floppy (floppy_files, floppy_dirs, floppy_content). */
  floppyDir?: string;
}

export interface HttpState {
  /** Set when http_directory or http_content is served: what {{ .HTTPIP }} and {{ .HTTPPort }} render to. */
  httpIp?: string;
  httpPort?: number;
}

export interface VmState {
  qemu: QemuProcess;
  qmp: QmpClient;
  sshPort: number;
  accel: string;
  startedAt: number;
}

export interface ConnectedState {
  comm?: Communicator;
}
