export { plugin } from './plugin.js';
export { CompressPostProcessor, type ResolvedCompress } from './post-processor.js';
export { detectFormat, type Codec, type Format } from './formats.js';
export { inputBytes, tarStream, type TarEntry } from './tar-stream.js';
export type { CompressConfig } from './schema.js';
