/**
 * Packer's amazon artifact id, `region:ami` pairs sorted by region and joined with commas
 * (`ap-southeast-2:ami-…,eu-west-1:ami-…,us-east-1:ami-…`), so scripts reading a manifest's
 * artifact_id see what Packer wrote; `images` keeps the build region first for bake's own use.
 */
export function amiArtifactId(images: Record<string, string>): string {
  return sortedRegions(images).map(([region, ami]) => `${region}:${ami}`).join(',');
}

/** `region: ami` lines in the same order, as Packer lists them under "AMIs were created:". */
export function amiLines(images: Record<string, string>): string {
  return sortedRegions(images).map(([region, ami]) => `${region}: ${ami}`).join('\n');
}

function sortedRegions(images: Record<string, string>): [string, string][] {
  return Object.entries(images).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
