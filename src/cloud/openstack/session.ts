import { countApiCall } from '../../core/activity.js';
import { sleep } from '../../core/wait.js';
import { apiMessage, OpenstackApiError } from './api-error.js';
import type { AuthOptions } from './auth-options.js';
import { findEndpoint, type ServiceKind } from './catalog.js';
import { makeTransport, type HttpResponse, type Transport } from './http.js';
import { authenticate, type Token } from './keystone.js';

export interface CallOptions {
  /** What is being done, for the error message: "create server", "delete image abc". */
  what: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer undefined instead of throwing on 404 (lookups and deletes of what may be gone). */
  allow404?: boolean;
  signal?: AbortSignal;
}

/**
 * One authenticated connection to a cloud: the token, its catalog, and requests to the services.
 * A 401 from a service means the token expired or was revoked: authenticate again once and retry.
 */
export class Session {
  private token?: Token;
  private pending?: Promise<Token>;
  readonly transport: Transport;

  constructor(
    readonly auth: AuthOptions,
    transport?: Transport,
  ) {
    this.transport = transport ?? makeTransport(auth);
  }

  async login(signal?: AbortSignal): Promise<Token> {
    if (this.token) return this.token;
    this.pending ??= authenticate(this.auth, this.transport, signal).finally(() => {
      this.pending = undefined;
    });
    this.token = await this.pending;
    return this.token;
  }

  get projectId(): string | undefined {
    return this.token?.projectId;
  }

  async endpoint(kind: ServiceKind, signal?: AbortSignal): Promise<string> {
    const token = await this.login(signal);
    return findEndpoint(token.catalog, kind, this.auth.interface, this.auth.region);
  }

  async call<T>(kind: ServiceKind, method: string, path: string, o: CallOptions): Promise<T | undefined> {
    let res = await this.sendRetrying(kind, method, path, o);
    if (res.status === 401 && !(this.auth.token && !this.auth.password)) {
      this.token = undefined;
      res = await this.sendRetrying(kind, method, path, o);
    }
    if (res.status === 404 && o.allow404) return undefined;
    if (res.status >= 400) {
      const msg = apiMessage(res);
      throw new OpenstackApiError(`openstack: ${o.what}: ${msg} (HTTP ${res.status})`, res.status, msg);
    }
    if (!res.text.trim()) return {} as T;
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new OpenstackApiError(`openstack: ${o.what}: the answer is not JSON (HTTP ${res.status})`, res.status, res.text.slice(0, 200));
    }
  }

  /** Like call(), for answers that must have a body. */
  async get<T>(kind: ServiceKind, path: string, o: CallOptions): Promise<T> {
    return (await this.call<T>(kind, 'GET', path, o)) as T;
  }

  /**
   * A busy or restarting API (429, 502, 503, 504) is asked again, a few times with backoff, for
   * requests that are safe to repeat; a POST is not, as it might create a second resource.
   */
  private async sendRetrying(kind: ServiceKind, method: string, path: string, o: CallOptions): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.send(kind, method, path, o);
      if (method === 'POST' || !TRANSIENT.has(res.status) || attempt >= RETRIES) return res;
      const retryAfter = Number(res.headers['retry-after']);
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : 250 * 2 ** attempt, o.signal);
    }
  }

  private async send(kind: ServiceKind, method: string, path: string, o: CallOptions): Promise<HttpResponse> {
    const base = await this.endpoint(kind, o.signal);
    countApiCall(`${kind}:${method} ${pathTemplate(path)}`);
    const token = await this.login(o.signal);
    const headers: Record<string, string> = { 'X-Auth-Token': token.id, ...o.headers };
    if (o.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
    return this.transport({
      method,
      url: joinUrl(base, path),
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: o.signal,
    });
  }
}

/** "/servers/6f1c…/action" → "/servers/{id}/action": one count per API, not per resource. */
function pathTemplate(path: string): string {
  return path
    .split('?')[0]
    .split('/')
    .map((seg) => (/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(seg) || /\d{3,}/.test(seg) ? '{id}' : seg))
    .join('/');
}

const TRANSIENT = new Set([429, 502, 503, 504]);
const RETRIES = 4;

/** Glance and Neutron catalog URLs may or may not end in their version; paths here always carry it. */
function joinUrl(base: string, path: string): string {
  const version = path.match(/^\/(v2\.0|v2)\//)?.[1];
  const trimmed = version && base.endsWith(`/${version}`) ? base.slice(0, -version.length - 1) : base;
  return trimmed + path;
}
