import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { normaliseInterface, type PartialAuth } from './auth-options.js';

/** Where openstacksdk looks, in its order: the working directory, the user's config, then /etc. */
export function configDirs(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const xdg = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return [cwd, join(xdg, 'openstack'), '/etc/openstack'];
}

function findFile(names: string[], override: string | undefined, dirs: string[]): string | undefined {
  if (override) return existsSync(override) ? override : undefined;
  for (const dir of dirs) {
    for (const name of names) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

type CloudEntry = { auth?: Record<string, unknown> } & Record<string, unknown>;

function readClouds(path: string): Record<string, CloudEntry> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const clouds = (doc as { clouds?: unknown } | null)?.clouds;
  return clouds && typeof clouds === 'object' ? (clouds as Record<string, CloudEntry>) : {};
}

/**
 * The auth settings of clouds.yaml entry `name`, with secure.yaml's values for the same entry
 * laid over it (that file is where people keep passwords apart from the shared clouds.yaml).
 */
export function authFromCloudsYaml(name: string, cwd: string, env: NodeJS.ProcessEnv): PartialAuth {
  const dirs = configDirs(cwd, env);
  const cloudsPath = findFile(['clouds.yaml', 'clouds.yml'], env.OS_CLIENT_CONFIG_FILE, dirs);
  if (!cloudsPath) {
    throw new UsageError(`openstack: cloud "${name}": no clouds.yaml found (looked in ${dirs.join(', ')})`);
  }
  const clouds = readClouds(cloudsPath);
  const entry = clouds[name];
  if (!entry) {
    const known = Object.keys(clouds);
    throw new UsageError(
      `openstack: cloud "${name}" is not in ${cloudsPath} (${known.length ? `it has: ${known.join(', ')}` : 'it names no clouds'})`,
    );
  }
  const securePath = findFile(['secure.yaml', 'secure.yml'], env.OS_CLIENT_SECURE_FILE, dirs);
  const secure = securePath ? (readClouds(securePath)[name] ?? {}) : {};
  const auth = { ...entry.auth, ...secure.auth };
  const top = { ...entry, ...secure };
  const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
  return {
    cloud: name,
    authUrl: s(auth.auth_url),
    username: s(auth.username),
    userId: s(auth.user_id),
    password: s(auth.password),
    userDomainName: s(auth.user_domain_name) ?? s(auth.domain_name),
    userDomainId: s(auth.user_domain_id) ?? s(auth.domain_id),
    projectName: s(auth.project_name) ?? s(auth.tenant_name),
    projectId: s(auth.project_id) ?? s(auth.tenant_id),
    projectDomainName: s(auth.project_domain_name) ?? s(auth.domain_name),
    projectDomainId: s(auth.project_domain_id) ?? s(auth.domain_id),
    applicationCredentialId: s(auth.application_credential_id),
    applicationCredentialName: s(auth.application_credential_name),
    applicationCredentialSecret: s(auth.application_credential_secret),
    token: s(auth.token),
    region: s(top.region_name),
    interface: normaliseInterface(s(top.interface) ?? s(top.endpoint_type)),
    insecure: top.verify === false ? true : undefined,
    cacert: s(top.cacert),
    cert: s(top.cert),
    key: s(top.key),
  };
}
