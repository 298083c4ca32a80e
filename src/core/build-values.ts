import { randomUUID } from 'node:crypto';
import type { Communicator } from '../communicator/types.js';

/**
 * The values Packer's `build` template function (JSON: {{ build `Host` }}) and `build.*` (HCL2)
 * give provisioners and post-processors when the build runs: Packer's BuilderDataCommonKeys and
 * SSHAgentAuth, filled as the plugin SDK's PopulateProvisionHookData fills them.
 */
export const BUILD_VALUE_KEYS = [
  'ID',
  'Host',
  'Port',
  'User',
  'Password',
  'ConnType',
  'PackerRunUUID',
  'PackerHTTPPort',
  'PackerHTTPIP',
  'PackerHTTPAddr',
  'SSHPublicKey',
  'SSHPrivateKey',
  'SSHAgentAuth',
  'WinRMPassword',
] as const;

const SENSITIVE_BUILD_VALUES = ['Password', 'SSHPrivateKey', 'WinRMPassword'] as const;

/**
 * What of the build values must never reach a log, a manifest or an error: the password and the
 * private key, and each line of the key too, since output reaches the log line by line.
 */
export function sensitiveBuildValues(values: Record<string, string>): string[] {
  return SENSITIVE_BUILD_VALUES.flatMap((k) => [values[k] ?? '', ...(values[k] ?? '').split('\n').filter((line) => line.length >= 8 && !line.startsWith('-----'))]).filter(Boolean);
}

/** One per bake process, as Packer's PACKER_RUN_UUID is one per `packer build`. */
const RUN_UUID = randomUUID();

/** Whether a config holds a {{ build `X` }} action, so it has to be rendered again once the build runs. */
export function usesBuildValues(config: unknown): boolean {
  return /\{\{-?\s*build\s/.test(JSON.stringify(config) ?? '');
}

/**
 * The build values of a build whose builder reached its machine over `comm`, with the `vars` it
 * handed ctx.provision (Host, Port, User, ID, PACKER_HTTP_ADDR). Without a machine (no provisioning
 * yet, `communicator: none`) the connection values are empty strings.
 */
export async function collectBuildValues(comm: Communicator | undefined, vars: Record<string, string> = {}): Promise<Record<string, string>> {
  const login = await comm?.sshLogin?.().catch(() => undefined);
  // What a builder does not know, Packer's SDK names so (ERR_ID_NOT_IMPLEMENTED_BY_BUILDER), not "".
  const [httpIp, httpPort] = vars.PACKER_HTTP_ADDR ? splitHostPort(vars.PACKER_HTTP_ADDR) : ['ERR_HTTP_IP_NOT_IMPLEMENTED_BY_BUILDER', 'ERR_HTTP_PORT_NOT_IMPLEMENTED_BY_BUILDER'];
  return {
    ID: vars.ID || 'ERR_ID_NOT_IMPLEMENTED_BY_BUILDER',
    Host: vars.Host ?? login?.host ?? '',
    Port: vars.Port ?? (login ? String(login.port) : ''),
    User: vars.User ?? login?.username ?? '',
    Password: login?.password ?? '',
    ConnType: login ? 'ssh' : '',
    PackerRunUUID: RUN_UUID,
    PackerHTTPPort: httpPort,
    PackerHTTPIP: httpIp,
    PackerHTTPAddr: vars.PACKER_HTTP_ADDR ?? 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER',
    SSHPublicKey: login?.privateKey ? await publicKeyLine(login.privateKey) : '',
    SSHPrivateKey: login?.privateKey ?? '',
    SSHAgentAuth: String(Boolean(login?.agentSocket)),
    WinRMPassword: '',
  };
}

function splitHostPort(addr: string): [string, string] {
  const i = addr.lastIndexOf(':');
  return i < 0 ? [addr, ''] : [addr.slice(0, i), addr.slice(i + 1)];
}

/** The authorized_keys line of a private key, as Packer's SSHPublicKey. */
async function publicKeyLine(privateKey: string): Promise<string> {
  const { default: ssh2 } = await import('ssh2');
  const parsed = ssh2.utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return '';
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}
