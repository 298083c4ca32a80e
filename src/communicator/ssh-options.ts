import { UsageError } from '../core/errors.js';
import { parseDuration } from '../core/wait.js';
import { type HostKeyCapabilities, type HostKeyPolicy, resolveHostKeyPolicy } from './host-key-policy.js';
import type { SshConfigInput } from './ssh-config.js';

/** One SSH server to log in to: the machine itself, or the bastion in front of it. */
export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  password?: string;
  /** Private key text (a builder's temporary key); wins over nothing, loses to privateKeyFile. */
  privateKey?: string;
  /** Key file as written in the template; read at connect time (relative: to cwd, then the template dir). */
  privateKeyFile?: string;
  /** ssh-agent socket path, when agent authentication is on. */
  agentSocket?: string;
}

/** Everything connectSsh needs, resolved: durations in ms, defaults applied. */
export interface SshOptions extends SshEndpoint {
  timeoutMs: number;
  handshakeAttempts: number;
  keepAliveIntervalMs: number;
  pauseBeforeConnectingMs: number;
  /** A command running longer than this is killed and fails; 0: no limit. */
  readWriteTimeoutMs: number;
  pty: boolean;
  /** Forward the local ssh-agent to the machine (only when agent authentication is on). */
  agentForwarding: boolean;
  /** Exact cipher list in preference order; undefined: bake's choice (see ssh-algorithms.ts). */
  ciphers?: string[];
  kex?: string[];
  bastion?: SshEndpoint;
  /** How the host keys of the machine and the bastion are verified. */
  hostKey: HostKeyPolicy;
  /** Where the options came from, for messages: "t.json: builders[0]". */
  source: { file: string; path: string; templateDir: string };
}

export interface SshDefaults {
  host?: string;
  port?: number;
  username?: string;
  privateKey?: string;
  /** Which host key checks the builder can support, and its default; without it: tofu. */
  hostKey?: HostKeyCapabilities;
}

export interface SshConfigEnv {
  file: string;
  path: string;
  templateDir: string;
}

function ms(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value) ?? fallback);
}

/**
 * Turns the template's ssh_* options plus what the builder knows (the machine's address, a
 * temporary key) into strict options. Cheap: no I/O, so builders may call it from create().
 */
export function resolveSshConfig(input: SshConfigInput, defaults: SshDefaults, env: SshConfigEnv): SshOptions {
  const where = `${env.file}: ${env.path}`;
  const host = input.ssh_host || defaults.host;
  if (!host) throw new UsageError(`${where}.ssh_host: required (the builder has no address to connect to)`);
  const username = input.ssh_username || defaults.username;
  if (!username) throw new UsageError(`${where}.ssh_username: required`);
  const agentSocket = input.ssh_agent_auth ? agentSocketOrThrow(`${where}.ssh_agent_auth`) : undefined;
  const privateKeyFile = input.ssh_private_key_file || undefined;
  const privateKey = privateKeyFile ? undefined : defaults.privateKey;
  if (!input.ssh_password && !privateKeyFile && !privateKey && !agentSocket) {
    throw new UsageError(`${where}: no SSH credentials: set ssh_private_key_file, ssh_password or ssh_agent_auth`);
  }
  const options: SshOptions = {
    host,
    port: input.ssh_port ?? defaults.port ?? 22,
    username,
    ...(input.ssh_password ? { password: input.ssh_password } : {}),
    ...(privateKeyFile ? { privateKeyFile } : {}),
    ...(privateKey ? { privateKey } : {}),
    ...(agentSocket ? { agentSocket } : {}),
    timeoutMs: ms(input.ssh_timeout, 5 * 60_000),
    handshakeAttempts: input.ssh_handshake_attempts ?? 10,
    keepAliveIntervalMs: ms(input.ssh_keep_alive_interval, 5000),
    pauseBeforeConnectingMs: ms(input.pause_before_connecting, 0),
    readWriteTimeoutMs: ms(input.ssh_read_write_timeout, 0),
    pty: input.ssh_pty ?? false,
    agentForwarding: Boolean(agentSocket) && !input.ssh_disable_agent_forwarding,
    ...(input.ssh_ciphers?.length ? { ciphers: [...input.ssh_ciphers] } : {}),
    ...(input.ssh_key_exchange_algorithms?.length ? { kex: [...input.ssh_key_exchange_algorithms] } : {}),
    hostKey: resolveHostKeyPolicy(input, defaults.hostKey, where, env.templateDir),
    source: { file: env.file, path: env.path, templateDir: env.templateDir },
  };
  if (input.ssh_bastion_host) options.bastion = resolveBastion(input, options, where);
  return options;
}

function resolveBastion(input: SshConfigInput, target: SshOptions, where: string): SshEndpoint {
  const agentSocket = input.ssh_bastion_agent_auth ? agentSocketOrThrow(`${where}.ssh_bastion_agent_auth`) : undefined;
  const bastion: SshEndpoint = {
    host: input.ssh_bastion_host as string,
    port: input.ssh_bastion_port ?? 22,
    username: input.ssh_bastion_username || target.username,
    ...(input.ssh_bastion_password ? { password: input.ssh_bastion_password } : {}),
    ...(input.ssh_bastion_private_key_file ? { privateKeyFile: input.ssh_bastion_private_key_file } : {}),
    ...(agentSocket ? { agentSocket } : {}),
  };
  if (!bastion.password && !bastion.privateKeyFile && !bastion.agentSocket) {
    throw new UsageError(
      `${where}: no credentials for the bastion: set ssh_bastion_private_key_file, ssh_bastion_password or ssh_bastion_agent_auth`,
    );
  }
  return bastion;
}

function agentSocketOrThrow(path: string): string {
  const sock = process.env.SSH_AUTH_SOCK;
  if (!sock) throw new UsageError(`${path}: SSH_AUTH_SOCK is not set; start ssh-agent or use a key file`);
  return sock;
}
