export { plugin } from './plugin.js';
export { resolveAmazonEbs } from './resolve.js';
export type { AmiBuildConfig, BlockDevice, ResolvedEbs } from './resolved.js';
export { amazonEbsPipeline, AmazonEbsBuilder } from './builder.js';
// The AMI half of a build, which amazon-chroot shares (it makes its image from a volume, not an instance).
export { amiArtifactId, amiLines } from './artifact-id.js';
export { toMappings } from './block-devices.js';
export { OwnedImages } from './owned-images.js';
export { renderValue } from './render-tags.js';
export { type ImageState, type Init, type SourceState, snapshotIds, templateData, waitCtx } from './state.js';
export { checkAmiNameStep, type NameState } from './step-check-ami-name.js';
export { copyImagesStep } from './step-copy-images.js';
export { shareImageStep } from './step-share-image.js';
export { sourceAmiStep } from './step-source-ami.js';
export { tagImagesStep } from './step-tag-images.js';
export { tagSnapshots } from './tag-snapshots.js';
export { resourceTags } from './tagging.js';
export { amiNameProblem, KNOWN_REGIONS } from './regions.js';
