import type { TlsOptions } from './http.js';

export type EndpointInterface = 'public' | 'internal' | 'admin';

/** Everything needed to get a token and find endpoints, once template, clouds.yaml and OS_* are merged. */
export interface AuthOptions extends TlsOptions {
  authUrl: string;
  username?: string;
  userId?: string;
  password?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  token?: string;
  region?: string;
  interface: EndpointInterface;
  /** The clouds.yaml entry used, for messages and the journal. */
  cloud?: string;
}

/** Auth settings before merging: every field optional. */
export type PartialAuth = Partial<AuthOptions>;

/** Keeps the first defined value of each field: earlier sources win. */
export function mergeAuth(...sources: PartialAuth[]): PartialAuth {
  const out: Record<string, unknown> = {};
  for (const source of sources) {
    for (const [k, v] of Object.entries(source)) {
      if (v !== undefined && v !== '' && out[k] === undefined) out[k] = v;
    }
  }
  return out as PartialAuth;
}

/** The standard OS_* variables, as python-openstackclient reads them. */
export function authFromEnv(env: NodeJS.ProcessEnv): PartialAuth {
  const e = (name: string): string | undefined => env[name] || undefined;
  const insecure = e('OS_INSECURE');
  return {
    authUrl: e('OS_AUTH_URL'),
    username: e('OS_USERNAME'),
    userId: e('OS_USER_ID'),
    password: e('OS_PASSWORD'),
    userDomainName: e('OS_USER_DOMAIN_NAME') ?? e('OS_DOMAIN_NAME'),
    userDomainId: e('OS_USER_DOMAIN_ID') ?? e('OS_DOMAIN_ID'),
    projectName: e('OS_PROJECT_NAME') ?? e('OS_TENANT_NAME'),
    projectId: e('OS_PROJECT_ID') ?? e('OS_TENANT_ID'),
    projectDomainName: e('OS_PROJECT_DOMAIN_NAME') ?? e('OS_DOMAIN_NAME'),
    projectDomainId: e('OS_PROJECT_DOMAIN_ID') ?? e('OS_DOMAIN_ID'),
    applicationCredentialId: e('OS_APPLICATION_CREDENTIAL_ID'),
    applicationCredentialName: e('OS_APPLICATION_CREDENTIAL_NAME'),
    applicationCredentialSecret: e('OS_APPLICATION_CREDENTIAL_SECRET'),
    token: e('OS_TOKEN') ?? e('OS_AUTH_TOKEN'),
    region: e('OS_REGION_NAME'),
    interface: normaliseInterface(e('OS_INTERFACE') ?? e('OS_ENDPOINT_TYPE')),
    insecure: insecure === undefined ? undefined : /^(1|true|yes)$/i.test(insecure),
    cacert: e('OS_CACERT'),
    cert: e('OS_CERT'),
    key: e('OS_KEY'),
  };
}

/** Accepts Packer's "publicURL"/"internalURL"/"adminURL" spellings as well as the plain ones. */
export function normaliseInterface(value: string | undefined): EndpointInterface | undefined {
  if (!value) return undefined;
  const v = value.toLowerCase().replace(/url$/, '');
  return v === 'public' || v === 'internal' || v === 'admin' ? v : undefined;
}
