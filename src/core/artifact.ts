/** What a builder or post-processor produced; what the next post-processor and the manifest consume. */
export interface Artifact {
  /** Type of the builder or post-processor that made it, e.g. "amazon-ebs", "compress". */
  builderType: string;
  /** Build name it belongs to. */
  buildName: string;
  /** Packer-style id: "us-east-1:ami-123,eu-west-1:ami-456", an image path, or "" when there is none. */
  id: string;
  /** Files the artifact consists of (absolute or relative to the working directory). */
  files: string[];
  /** Cloud images by region (or "local"), e.g. { "us-east-1": "ami-123" }. */
  images: Record<string, string>;
  /** Free-form details for the manifest and later post-processors (source AMI, previous versions, ...). */
  metadata: Record<string, unknown>;
  /** One line for the build summary. */
  description: string;
  /** Removes what the artifact is (files, images); used when a post-processor does not keep its input. */
  destroy?: () => Promise<void>;
}

export function describeArtifact(a: Artifact): string {
  return a.description || (a.id ? `${a.builderType}: ${a.id}` : `${a.builderType}: no artifact`);
}
