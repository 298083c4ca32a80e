import type { AmiBuildConfig, BlockDevice } from '../amazon-ebs/index.js';
import type { MountConfig } from '../chroot/index.js';

/** The amazon-chroot config with defaults applied: all the steps ever see. */
export interface ResolvedAmazonChroot extends AmiBuildConfig {
  /** False: region comes from the build host's instance metadata at run time. */
  regionGiven: boolean;
  fromScratch: boolean;
  volume: {
    sizeGiB?: number;
    type: string;
    tags: Record<string, string>;
    encrypted?: boolean;
    kmsKeyId?: string;
  };
  register: {
    rootDeviceName?: string;
    virtualizationType: string;
    architecture?: string;
    bootMode?: string;
    tpmSupport?: string;
    uefiData?: string;
    imdsSupport?: string;
  };
  amiMappings: BlockDevice[];
  devicePath?: string;
  nvmeDevicePath?: string;
  /** mount_path may name {{.Device}}: rendered once the volume's device is known. */
  mountPathTemplate?: string;
  /** How the chroot builder's steps mount and provision the volume; mountPath is set per build. */
  mount: MountConfig;
}
