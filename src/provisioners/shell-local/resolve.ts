import type { PluginEnv } from '../../plugins/types.js';
import { DEFAULT_ENV_VAR_FORMAT, type ShellSource, shellSources, userVars } from '../shell/index.js';
import type { ShellLocalConfig } from './schema.js';

export interface ResolvedShellLocal {
  where: string;
  sources: ShellSource[];
  command?: string;
  userVars: Record<string, string>;
  envVarFormat: string;
  executeCommand: string[];
  inlineShebang: string;
  onlyOn?: string[];
  tempfileExtension: string;
  validExitCodes: number[];
}

export function resolveShellLocal(config: ShellLocalConfig, env: PluginEnv): ResolvedShellLocal {
  const where = `${env.file}: ${env.path}`;
  return {
    where,
    sources: shellSources(config, where, ['command', 'inline', 'script', 'scripts']),
    ...(config.command !== undefined ? { command: config.command } : {}),
    userVars: userVars(config.environment_vars, config.env, where),
    envVarFormat: config.env_var_format ?? DEFAULT_ENV_VAR_FORMAT,
    executeCommand: config.execute_command ?? ['/bin/sh', '-c', '{{.Vars}} {{.Script}}'],
    inlineShebang: config.inline_shebang ?? '/bin/sh -e',
    ...(config.only_on ? { onlyOn: config.only_on } : {}),
    tempfileExtension: config.tempfile_extension ?? '',
    validExitCodes: config.valid_exit_codes ?? [0],
  };
}
