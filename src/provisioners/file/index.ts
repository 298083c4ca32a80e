export { plugin } from './plugin.js';
export { FileProvisioner } from './provisioner.js';
export { resolveFile, type ResolvedFile } from './resolve.js';
export type { FileConfig } from './schema.js';
