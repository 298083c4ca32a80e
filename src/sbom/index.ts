export { collectInventory } from './collect.js';
export { cycloneDxJson, purl, PROP, type SbomSubject } from './cyclonedx.js';
export { diffPackages, isEmptyDiff, type PackageChange, type PackageDiff } from './diff.js';
export { diffSummary, diffTable } from './diff-text.js';
export { packageKey, type InstalledPackage, type Inventory, type OsRelease, type PackageManager } from './inventory.js';
export { readSbom, type SbomContents, type SbomPackage } from './read-sbom.js';
export { spdxJson } from './spdx.js';
