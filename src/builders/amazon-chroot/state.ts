import type { HostInstance } from '../../cloud/aws/index.js';

/** The build host, read from instance metadata before the first step. */
export interface HostState {
  host: HostInstance;
}

export interface VolumeState {
  volumeId: string;
  /** The AMI's root device name: root_device_name, or the source AMI's. */
  rootDeviceName: string;
  /** Whether the volume is larger than the snapshot it came from, so the root partition and filesystem grow. */
  diskGrown: boolean;
}

export interface AttachState {
  /** The device node the volume appeared as on this host (the chroot steps' diskFile). */
  diskFile: string;
  /** Private temporary directory: the mount point and the files laid over the image's. */
  workDir: string;
}

export interface SnapshotState {
  snapshotId: string;
}
