export { plugin } from './plugin.js';
export { ChrootBuilder, chrootPipeline } from './builder.js';
export { resolveChrootConfig, type ChrootMount, type MountConfig, type ResolvedChroot } from './resolve.js';
// Mounting, provisioning and unmounting a disk in the private namespace, which amazon-chroot shares for its EBS volume.
export { mountStep } from './steps/mount.js';
export { provisionStep } from './steps/provision.js';
export { releaseStep } from './steps/release.js';
export type { DiskState, MountedState } from './state.js';
