export { baseImagePath, ensureBaseImage, recipeDir, recipeHash } from './base-image.js';
export { type ChecksumSpec, type HashAlgorithm, digestFromChecksumFile, hashFile, parseChecksum, verifyDigest } from './checksum.js';
export { type Conversion, compressionOptions, imageConverter } from './convert-image.js';
export { parseDiskSize } from './disk-size.js';
export { type FetchOptions, fetchSource } from './download.js';
export { outputDirectory, outputPaths } from './output-dir.js';
export { imageInfo, parseConvertProgress, qemuImgHasZstd } from './qemu-img.js';
export { notFoundMessage, runTool, type ToolOptions } from './run-tool.js';
export { openSourceImage, resolveSource, type Source } from './source-image.js';
