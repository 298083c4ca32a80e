export { plugin } from './plugin.js';
export { ChrootBuilder, chrootPipeline } from './builder.js';
export { resolveChrootConfig, type ResolvedChroot } from './resolve.js';
