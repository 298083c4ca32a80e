import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { parseDuration } from '../../core/wait.js';
import type { PluginEnv } from '../../plugins/types.js';
import { DEFAULT_ENV_VAR_FORMAT, ENV_FILE_VAR_FORMAT, userVars } from './env-vars.js';
import type { ShellConfig } from './schema.js';

/** One unit the provisioner uploads and runs: the inline commands, or one script file. */
export type ShellSource =
  | { kind: 'inline'; lines: string[] }
  /** `key` is the JSON path for messages: `script` or `scripts[1]`. */
  | { kind: 'file'; key: string; path: string };

export interface ResolvedShell {
  where: string;
  sources: ShellSource[];
  userVars: Record<string, string>;
  envVarFormat: string;
  useEnvVarFile: boolean;
  executeCommand: string;
  inlineShebang: string;
  remoteFolder: string;
  remotePath: string;
  expectDisconnect: boolean;
  validExitCodes: number[];
  skipClean: boolean;
  startRetryTimeoutMs: number;
  pauseAfterMs: number;
  binary: boolean;
}

/**
 * 48 random bits: builds in parallel on one host (null builds sharing a build machine) must not
 * upload to the same file. Packer's script_NNNN.sh (rand.Intn(9999)) gives two of 34 such uploads the
 * same name about once in 20 runs: one build then runs the other's half-written script.
 */
const randomName = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}.sh`;

type SourceKey = 'command' | 'inline' | 'script' | 'scripts';

/** Exactly one of `keys` must be given; every script must exist when the template is read. */
export function shellSources(
  config: { command?: string; inline?: string[]; script?: string; scripts?: string[] },
  where: string,
  keys: readonly SourceKey[] = ['inline', 'script', 'scripts'],
): ShellSource[] {
  const given = keys.filter((k) => config[k] !== undefined);
  if (given.length !== 1) {
    const names = keys.map((k) => `"${k}"`);
    const list = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
    const got = given.length > 1 ? ` (got ${given.map((g) => `"${g}"`).join(' and ')})` : '';
    throw new UsageError(`${where}: needs ${given.length === 0 ? 'one of' : 'only one of'} ${list}${got}`);
  }
  if (config.command !== undefined) return [{ kind: 'inline', lines: [config.command] }];
  if (config.inline) return [{ kind: 'inline', lines: config.inline }];
  const files =
    config.script !== undefined
      ? [{ key: 'script', path: config.script }]
      : (config.scripts ?? []).map((path, i) => ({ key: `scripts[${i}]`, path }));
  for (const f of files) {
    if (!existsSync(f.path) || !statSync(f.path).isFile()) {
      throw new UsageError(`${where}.${f.key}: script "${f.path}" not found (relative to the working directory ${process.cwd()})`);
    }
  }
  return files.map((f) => ({ kind: 'file', ...f }));
}

export function resolveShell(config: ShellConfig, env: PluginEnv): ResolvedShell {
  const where = `${env.file}: ${env.path}`;
  const useEnvVarFile = config.use_env_var_file ?? false;
  const remoteFolder = (config.remote_folder ?? '/tmp').replace(/\/+$/, '') || '/';
  return {
    where,
    sources: shellSources(config, where),
    userVars: userVars(config.environment_vars, config.env, where),
    envVarFormat: config.env_var_format ?? (useEnvVarFile ? ENV_FILE_VAR_FORMAT : DEFAULT_ENV_VAR_FORMAT),
    useEnvVarFile,
    executeCommand:
      config.execute_command ?? (useEnvVarFile ? 'chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}' : 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}'),
    inlineShebang: config.inline_shebang ?? '/bin/sh -e',
    remoteFolder,
    remotePath: config.remote_path ?? `${remoteFolder === '/' ? '' : remoteFolder}/${config.remote_file ?? randomName('script')}`,
    expectDisconnect: config.expect_disconnect ?? false,
    validExitCodes: config.valid_exit_codes ?? [0],
    skipClean: config.skip_clean ?? false,
    startRetryTimeoutMs: parseDuration(config.start_retry_timeout ?? '5m') ?? 300_000,
    pauseAfterMs: config.pause_after ? (parseDuration(config.pause_after) ?? 0) : 0,
    binary: config.binary ?? false,
  };
}

export function envVarFilePath(folder: string): string {
  return `${folder === '/' ? '' : folder}/${randomName('varfile')}`;
}
