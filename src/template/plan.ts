import type { Builder, PostProcessor, Provisioner } from '../plugins/types.js';

/** A provisioner as one build runs it: config interpolated for that build, `override` applied. */
export interface PlannedProvisioner {
  type: string;
  /** JSON path in the template, e.g. "provisioners[2]", for messages. */
  path: string;
  instance: Provisioner;
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
  /** Each inner list is a chain; a flat entry of the template is a chain of one. */
  postProcessorChains: PlannedPostProcessor[][];
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
}
