export { plugin } from './plugin.js';
export { ChecksumPostProcessor, type ResolvedChecksum } from './post-processor.js';
export { hashFiles } from './hash-files.js';
export { CHECKSUM_TYPES, type ChecksumConfig, type ChecksumType } from './schema.js';
