export { baseImagePath, ensureBaseImage, recipeDir, recipeHash } from './base-image.js';
export { type ChecksumSpec, type HashAlgorithm, digestFromChecksumFile, hashFile, parseChecksum, verifyDigest } from './checksum.js';
export { parseDiskSize } from './disk-size.js';
export { type FetchOptions, fetchSource } from './download.js';
export { imageInfo, parseConvertProgress, qemuImgHasZstd } from './qemu-img.js';
export { notFoundMessage, runTool, type ToolOptions } from './run-tool.js';
