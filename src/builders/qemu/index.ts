export { plugin } from './plugin.js';
export { QemuBuilder, qemuPipeline } from './builder.js';
export { resolveQemuConfig, type ResolvedQemu } from './resolve.js';
export { baseImagePath, ensureBaseImage, recipeHash } from '../../local-image/index.js';
