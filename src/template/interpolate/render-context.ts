/** What a template string is rendered with. */
export interface RenderContext {
  /** The `.Field` values (e.g. {Vars, Path} for execute_command, {SourceAMI} for ami_name). */
  data?: Record<string, unknown>;
  /** Values for {{user `name`}}. */
  userVars?: Record<string, string>;
  buildName?: string;
  buildType?: string;
  /** Directory of the template file, for {{template_dir}}. */
  templateDir?: string;
  /** The run's start time; one value per run, so every {{timestamp}} agrees. */
  now?: Date;
  /** Prefix of error messages: "t.json: builders[0].ami_name". */
  where?: string;
  /**
   * Keep `{{ }}` actions that need values not known yet (a `.Field` missing from data, build_name
   * before the build is known) as written, so a plugin can render them later with its own data.
   */
  partial?: boolean;
  /** Variables without a value because of an error already reported; {{user}} of one throws UnsetVariable. */
  unsetVars?: ReadonlySet<string>;
  /** {{env}} is allowed only in the defaults of "variables", as in Packer. */
  allowEnv?: boolean;
  env?: NodeJS.ProcessEnv;
  /**
   * For fingerprints (`build --skip-unchanged`): values that differ from run to run without
   * changing the image ({{timestamp}}, {{isotime}}, {{strftime}}, {{uuid}}, {{template_dir}},
   * {{pwd}}) render as constants.
   */
  stable?: boolean;
}
