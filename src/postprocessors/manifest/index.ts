export { plugin } from './plugin.js';
export { ManifestPostProcessor, type ResolvedManifest } from './post-processor.js';
export { appendBuild, type ManifestBuild, type ManifestFile } from './manifest-file.js';
export { withPathLock } from './path-lock.js';
export { RUN_UUID } from './run-uuid.js';
export type { ManifestConfig } from './schema.js';
