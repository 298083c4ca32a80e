export { plugin } from './plugin.js';
export { AmazonAmiRetentionPostProcessor } from './post-processor.js';
export type { AmazonAmiRetentionConfig } from './schema.js';
