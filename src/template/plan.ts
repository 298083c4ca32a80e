import type { Builder, PostProcessor, Provisioner } from '../plugins/types.js';

/** A provisioner as one build runs it: config interpolated for that build, `override` applied. */
export interface PlannedProvisioner {
  type: string;
  /** JSON path in the template, e.g. "provisioners[2]", for messages. */
  path: string;
  instance: Provisioner;
  /** Set when the config uses {{ build `X` }}: the provisioner made again with the build's values, just before it runs. */
  forBuild?: (values: Record<string, string>) => Provisioner;
  pauseBeforeMs: number;
  maxRetries: number;
  /** 0: no timeout. */
  timeoutMs: number;
}

export interface PlannedPostProcessor {
  type: string;
  /** e.g. "post-processors[1][0]". */
  path: string;
  instance: PostProcessor;
  /** As PlannedProvisioner.forBuild. */
  forBuild?: (values: Record<string, string>) => PostProcessor;
  keepInputArtifact: boolean;
}

export interface PlannedBuild {
  /** The builder's `name`, default its type. */
  name: string;
  type: string;
  /** e.g. "builders[0]". */
  path: string;
  builder: Builder;
  provisioners: PlannedProvisioner[];
  /** Runs when a provisioner fails, before the builder cleans up (`error-cleanup-provisioner`). */
  errorCleanupProvisioner?: PlannedProvisioner;
  /** Each inner list is a chain; a flat entry of the template is a chain of one. */
  postProcessorChains: PlannedPostProcessor[][];
  /** What `build --skip-unchanged` fingerprints; undefined when the build's configs have errors. */
  fingerprint?: BuildFingerprintSource;
  /** The builder block's "sbom": list the image's packages (default), not, or fail when the list is incomplete. */
  sbom?: SbomMode;
}

export type SbomMode = boolean | 'required';

/** The parts of a build that decide its image, besides the files they name and the source image. */
export interface BuildFingerprintSource {
  /**
   * The builder's and provisioners' configs rendered with values that change from run to run
   * without changing the image ({{timestamp}}, {{isotime}}, {{uuid}}, {{template_dir}}, {{pwd}})
   * held constant, and sensitive values replaced: the same for two runs of the same inputs.
   */
  template: { builder: Record<string, unknown>; provisioners: Record<string, unknown>[] };
  /** The provisioners' configs as this run rendered them (each with its `type`), for the local files they use. */
  provisioners: Record<string, unknown>[];
}

export interface PlannedVariable {
  name: string;
  value: string;
  sensitive: boolean;
}

export interface BuildPlan {
  /** The template path as the user gave it. */
  file: string;
  templateDir: string;
  description?: string;
  variables: PlannedVariable[];
  builds: PlannedBuild[];
  /** Values to redact everywhere: sensitive variables' values and plugins' sensitive keys' values. */
  sensitiveValues: string[];
  /** Messages for the user that do not stop the run (ignored unsupported options, compatibility notes). */
  warnings: string[];
  /** Builds of builder types bake does not have, left out by -only/-except: not in `builds`. */
  skippedBuilds?: string[];
  /** Every post-processor's name and type, known to bake or not: -except may name these as well as builds. */
  postProcessorNames?: string[];
}
