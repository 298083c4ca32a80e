import type { FromSchema } from 'json-schema-to-ts';
import { bool, duration, str, stringList, stringMap } from '../../plugins/schema-helpers.js';

export const shellSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    inline: stringList('Commands to run, joined by newlines into one script, so `cd` and variables carry from line to line.'),
    script: str('Path of a local script to upload and run; relative paths are relative to the working directory.'),
    scripts: stringList('Local scripts to upload and run in order, each in its own shell.'),
    environment_vars: stringList('Variables as "KEY=value", set for every script through {{.Vars}}.'),
    env: stringMap('Variables as a map, set like environment_vars; a key here wins over the same key there.'),
    env_var_format: str('printf-style format of one variable in {{.Vars}}: default "%s=\'%s\' ", or "export %s=\'%s\'\\n" with use_env_var_file.'),
    use_env_var_file: bool('Upload the variables as a file and source it ({{.EnvVarFile}}) instead of putting them on the command line.', false),
    execute_command: str('Command that runs each script: {{.Path}} is its remote path, {{.Vars}} the variables, {{.EnvVarFile}} their file. Default "chmod +x {{.Path}}; {{.Vars}} {{.Path}}" (". {{.EnvVarFile}} && {{.Path}}" with use_env_var_file).'),
    inline_shebang: str('Interpreter line of the script made from `inline`.', '/bin/sh -e'),
    remote_folder: str('Remote directory scripts are uploaded to.', '/tmp'),
    remote_file: str('Remote file name of the script (default "script_<12 hex digits>.sh", random).'),
    remote_path: str('Full remote path of the script; overrides remote_folder and remote_file.'),
    expect_disconnect: bool('Accept the connection dropping while a script runs (e.g. it reboots the machine).', false),
    valid_exit_codes: {
      type: 'array',
      items: { type: 'integer' },
      default: [0],
      description: 'Exit codes that count as success.',
    },
    skip_clean: bool('Leave the uploaded scripts on the machine.', false),
    start_retry_timeout: duration('How long to keep retrying when a script cannot be uploaded or started (e.g. the machine is rebooting).', '5m'),
    pause_after: duration('Wait this long after the last script before the next provisioner.'),
    binary: bool('Upload scripts byte for byte; otherwise Windows line endings (CRLF) are turned into LF.', false),
  },
} as const;

export type ShellConfig = FromSchema<typeof shellSchema>;
