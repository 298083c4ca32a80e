import { UsageError } from '../../core/errors.js';
import { authFromEnv, mergeAuth, type AuthOptions, type PartialAuth } from './auth-options.js';
import { authFromCloudsYaml } from './clouds-yaml.js';

export interface AuthSources {
  /** What the template says (Packer's option names, already mapped). */
  template: PartialAuth;
  /** clouds.yaml entry to use; OS_CLOUD when not given. */
  cloud?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Template values first, then the clouds.yaml entry (with secure.yaml), then OS_* variables. */
export function resolveAuth(sources: AuthSources): AuthOptions {
  const env = sources.env ?? process.env;
  const cloudName = sources.cloud || env.OS_CLOUD || undefined;
  const fromCloud = cloudName ? authFromCloudsYaml(cloudName, sources.cwd ?? process.cwd(), env) : {};
  const merged = mergeAuth(sources.template, fromCloud, authFromEnv(env));
  if (!merged.authUrl) {
    throw new UsageError('openstack: identity_endpoint is required (or set OS_AUTH_URL, or name a clouds.yaml entry with "cloud")');
  }
  return { ...merged, authUrl: merged.authUrl, interface: merged.interface ?? 'public' };
}
