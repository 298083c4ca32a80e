import type { ChrootSession } from './session.js';

/** Shared by the steps through the closure, not the pipeline state: set by the last step only. */
export interface Outcome {
  succeeded: boolean;
}

export interface OutputState {
  outputDir: string;
  imagePath: string;
  /** The raw working disk every step works on, inside output_directory (so an interrupted build's leftovers sit in one place). */
  diskFile: string;
  /** Private temporary directory: the mount point and the files laid over the image's. */
  workDir: string;
}

export type { OpenedSource as SourceState } from '../../local-image/index.js';

export interface MountedState {
  session: ChrootSession;
  /** Partition number of the root filesystem (0: no partition table) and its type, for fsck and the artifact. */
  rootPartition: number;
  rootFsType: string;
  rootOffset: number;
}

/** What mounting, provisioning and unmounting need of the disk: the chroot builder's working file, or amazon-chroot's attached volume. */
export type DiskState = Pick<OutputState, 'diskFile' | 'workDir'>;
