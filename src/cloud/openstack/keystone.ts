import { BakeError, UsageError } from '../../core/errors.js';
import { apiMessage, OpenstackApiError } from './api-error.js';
import type { AuthOptions } from './auth-options.js';
import type { Transport } from './http.js';

export interface CatalogEndpoint {
  interface: string;
  region?: string;
  region_id?: string;
  url: string;
}

export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface Token {
  id: string;
  expiresAt?: string;
  projectId?: string;
  projectName?: string;
  catalog: CatalogService[];
}

/** The v3 tokens URL for an auth_url given with or without its version ("…:5000", "…:5000/v3", "…/v2.0"). */
export function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '').replace(/\/v2\.0$/, '').replace(/\/v3$/, '');
  return `${base}/v3/auth/tokens`;
}

function domain(name: string | undefined, id: string | undefined): Record<string, string> {
  if (id) return { id };
  return { name: name ?? 'Default' };
}

/** The request body of POST /v3/auth/tokens for the method the options call for. */
export function authBody(o: AuthOptions): Record<string, unknown> {
  const user = o.userId ? { id: o.userId } : o.username ? { name: o.username, domain: domain(o.userDomainName, o.userDomainId) } : undefined;
  if (o.applicationCredentialId || o.applicationCredentialName) {
    if (!o.applicationCredentialSecret) throw new UsageError('openstack: application_credential_secret is required with an application credential');
    const credential = o.applicationCredentialId
      ? { id: o.applicationCredentialId, secret: o.applicationCredentialSecret }
      : { name: o.applicationCredentialName, secret: o.applicationCredentialSecret, user };
    if (!o.applicationCredentialId && !user) throw new UsageError('openstack: application_credential_name needs username or user_id');
    // An application credential is bound to its project: a scope in the request is an error.
    return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
  }
  const scope = o.projectId
    ? { project: { id: o.projectId } }
    : o.projectName
      ? { project: { name: o.projectName, domain: domain(o.projectDomainName, o.projectDomainId) } }
      : undefined;
  if (o.token && !o.password) {
    return { auth: { identity: { methods: ['token'], token: { id: o.token } }, ...(scope ? { scope } : {}) } };
  }
  if (!user) throw new UsageError('openstack: no credentials: give username/user_id and password, an application credential, a token or a cloud');
  if (!o.password) throw new UsageError('openstack: password is required with username/user_id (or set OS_PASSWORD)');
  return { auth: { identity: { methods: ['password'], password: { user: { ...user, password: o.password } } }, ...(scope ? { scope } : {}) } };
}

/** Gets a scoped token and its service catalog from Keystone v3. */
export async function authenticate(o: AuthOptions, transport: Transport, signal?: AbortSignal): Promise<Token> {
  const url = tokensUrl(o.authUrl);
  const res = await transport({
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(authBody(o)),
    signal,
  });
  if (res.status !== 201 && res.status !== 200) {
    const msg = apiMessage(res);
    throw new OpenstackApiError(`openstack: authentication at ${o.authUrl} failed: ${msg} (HTTP ${res.status})`, res.status, msg);
  }
  const id = res.headers['x-subject-token'];
  if (typeof id !== 'string' || !id) throw new BakeError(`openstack: ${url} answered without an X-Subject-Token header`);
  const body = JSON.parse(res.text) as {
    token: { expires_at?: string; project?: { id: string; name?: string }; catalog?: CatalogService[] };
  };
  return {
    id,
    expiresAt: body.token.expires_at,
    projectId: body.token.project?.id,
    projectName: body.token.project?.name,
    catalog: body.token.catalog ?? [],
  };
}
