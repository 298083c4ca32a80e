export { plugin } from './plugin.js';
export { AmazonAsgPostProcessor } from './post-processor.js';
export { resolveAmazonAsg, type ResolvedAmazonAsg } from './resolve.js';
export type { AmazonAsgConfig } from './schema.js';
