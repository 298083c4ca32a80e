import type { Artifact } from '../core/artifact.js';
import type { BuildContext, PostProcessContext, ProvisionContext } from '../core/context.js';
import type { Communicator } from '../communicator/types.js';

/** A JSON Schema object (draft-07, as ajv reads it), kept `as const` by each plugin so FromSchema can type it. */
export type JsonSchema = Record<string, unknown>;

/**
 * Packer options a plugin recognises but does not implement. `warn`: ignoring it cannot change
 * the result, so it is accepted with a warning; `error`: it would, so the template is refused.
 */
export type Unsupported = Record<string, UnsupportedOption>;

export interface UnsupportedOption {
  effect: 'warn' | 'error';
  why: string;
  /**
   * Values that change nothing, Packer's default for the option (skip_nat_mapping = false): with
   * one of these, or an empty value, the option is accepted with a note whatever `effect` says.
   */
  inert?: readonly (string | number | boolean)[];
  /**
   * The note to give, or undefined, when the rest of the block makes the option change nothing
   * (winrm_* under communicator "ssh"): it is then accepted with that note whatever `effect` says.
   */
  inertWhen?: (config: Record<string, unknown>) => string | undefined;
}

/** Where a plugin's config came from, for error messages: `t.json: builders[1].ssh_port: …`. */
export interface PluginEnv {
  /** Template file path as the user gave it. */
  file: string;
  /** JSON path of this plugin's block, e.g. "builders[1]". */
  path: string;
  templateDir: string;
}

export interface Builder {
  /** Boots, provisions (through ctx.provision) and snapshots; returns the artifact, or undefined (null builder). */
  run(ctx: BuildContext): Promise<Artifact | undefined>;
  /**
   * `bake plan` / `build --dry-run`: resolve everything the build would use and describe it, one
   * line each, creating nothing (read-only cloud calls only). Optional.
   */
  plan?(ctx: BuildContext): Promise<string[]>;
  /** Whether run() honours ctx.skipUnchanged (`build --skip-unchanged`); the others build as usual, with a warning. */
  readonly skipsUnchanged?: boolean;
  /**
   * `bake plan -json -skip-unchanged`: whether run() with ctx.skipUnchanged would reuse an image
   * instead of building, and why, with read-only cloud calls only. Builders that skip implement it.
   */
  unchanged?(ctx: BuildContext): Promise<UnchangedVerdict>;
}

export interface UnchangedVerdict {
  skip: boolean;
  why: string;
}

export interface Provisioner {
  run(ctx: ProvisionContext, comm: Communicator): Promise<void>;
}

export interface PostProcessorResult {
  artifact: Artifact;
  /** Whether the input artifact must be kept regardless of the template's keep_input_artifact (Packer's "forceOverride"). */
  forceKeepInput?: boolean;
}

export interface PostProcessor {
  run(ctx: PostProcessContext, artifact: Artifact): Promise<PostProcessorResult>;
}

interface PluginBase {
  /** The `type` a template names, e.g. "amazon-ebs". */
  type: string;
  /** One line for docs and `--help`. */
  description: string;
  schema: JsonSchema;
  unsupported?: Unsupported;
  /**
   * Keys whose values must not be interpolated when the template is read, because the plugin
   * renders them later with its own context (e.g. shell's `execute_command` with {{.Vars}}).
   */
  deferred?: string[];
  /** Keys holding secrets (passwords, secret keys): their values are redacted everywhere. */
  sensitive?: string[];
}

export interface BuilderPlugin<C = any> extends PluginBase {
  kind: 'builder';
  create(config: C, env: PluginEnv): Builder;
}

export interface ProvisionerPlugin<C = any> extends PluginBase {
  kind: 'provisioner';
  create(config: C, env: PluginEnv): Provisioner;
}

export interface PostProcessorPlugin<C = any> extends PluginBase {
  kind: 'post-processor';
  create(config: C, env: PluginEnv): PostProcessor;
}

export type Plugin = BuilderPlugin | ProvisionerPlugin | PostProcessorPlugin;
