export { plugin } from './plugin.js';
export { resolveAmazonEbs } from './resolve.js';
export type { ResolvedEbs } from './resolved.js';
export { amazonEbsPipeline, AmazonEbsBuilder } from './builder.js';
