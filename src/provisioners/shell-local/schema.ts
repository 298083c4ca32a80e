import type { FromSchema } from 'json-schema-to-ts';
import { str, stringList, stringMap } from '../../plugins/schema-helpers.js';

/** Options shared by the shell-local provisioner and post-processor, with Packer's names. */
export const shellLocalProperties = {
  command: str('One command to run; written to a temporary script like `inline`.'),
  inline: stringList('Commands to run, joined by newlines into one temporary script.'),
  script: str('Path of a local script to run; relative paths are relative to the working directory.'),
  scripts: stringList('Local scripts to run in order, each in its own process.'),
  environment_vars: stringList('Variables as "KEY=value", set in the environment and in {{.Vars}}.'),
  env: stringMap('Variables as a map; a key here wins over the same key in environment_vars.'),
  env_var_format: str('printf-style format of one variable in {{.Vars}} (default "%s=\'%s\' ").'),
  execute_command: {
    type: 'array',
    items: { type: 'string' },
    minItems: 1,
    default: ['/bin/sh', '-c', '{{.Vars}} {{.Script}}'],
    description: 'Program and arguments that run each script, without a shell unless you name one: {{.Script}} is the script path, {{.Vars}} the variables.',
  },
  inline_shebang: str('Interpreter line of the temporary script made from `inline` or `command`.', '/bin/sh -e'),
  only_on: stringList('Run only when bake runs on one of these systems ("linux", "darwin", "freebsd", "windows", ...); skipped elsewhere.'),
  tempfile_extension: str('Extension of the temporary script file, e.g. ".sh".'),
  valid_exit_codes: { type: 'array', items: { type: 'integer' }, default: [0], description: 'Exit codes that count as success.' },
} as const;

export const shellLocalSchema = { type: 'object', additionalProperties: false, properties: shellLocalProperties } as const;

export type ShellLocalConfig = FromSchema<typeof shellLocalSchema>;

/** Packer options bake recognises for shell-local but does not implement. */
export const shellLocalUnsupported = {
  use_linux_pathing: { effect: 'warn', why: 'only matters for Windows Subsystem for Linux; bake runs scripts natively' },
} as const;
