export { plugin } from './plugin.js';
export { AmazonChrootBuilder, amazonChrootPipeline } from './builder.js';
export { resolveAmazonChroot } from './resolve.js';
export type { ResolvedAmazonChroot } from './resolved.js';
