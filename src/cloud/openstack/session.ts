import { countApiCall } from '../../core/activity.js';
import { isAbort } from '../../core/errors.js';
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
    this.pending ??= this.authenticateRetrying(signal).finally(() => {
      this.pending = undefined;
    });
    this.token = await this.pending;
    return this.token;
  }

  /** Asking for a token creates nothing: a dropped connection or a busy Keystone is asked again. */
  private async authenticateRetrying(signal?: AbortSignal): Promise<Token> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await authenticate(this.auth, this.transport, signal);
      } catch (err) {
        const busy = err instanceof OpenstackApiError && TRANSIENT.has(err.status);
        if ((!busy && !isConnectionError(err)) || attempt >= RETRIES) throw err;
        await sleep(250 * 2 ** attempt, signal);
      }
    }
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
    // A resource made moments ago may not be visible yet: a DELETE meeting 404 asks again before
    // counting it gone (else it would be left behind while bake believes it removed).
    for (let tries = 1; res.status === 404 && method === 'DELETE' && tries < GONE_AFTER; tries++) {
      await sleep(500 * tries, o.signal);
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
   * A busy or restarting API (429, 5xx) or a dropped connection is asked again, a few times with
   * backoff, for requests that are safe to repeat. A POST is repeated only after a 429, which
   * says it was not processed: after a 5xx or a dropped connection it may have created its
   * resource, and the caller finds that again by name instead of making a second one.
   */
  private async sendRetrying(kind: ServiceKind, method: string, path: string, o: CallOptions): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await this.send(kind, method, path, o);
      } catch (err) {
        if (method === 'POST' || !isConnectionError(err) || attempt >= RETRIES) throw err;
        await sleep(250 * 2 ** attempt, o.signal);
        continue;
      }
      const again = method === 'POST' ? NOT_PROCESSED.has(res.status) : TRANSIENT.has(res.status);
      if (!again || attempt >= RETRIES) return res;
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

const TRANSIENT = new Set([429, 500, 502, 503, 504]);
/** 404s in a row after which something just made counts as gone. */
export const GONE_AFTER = 3;
/** Refused by the rate limiter before the service saw it: a POST too is safe to send again. */
const NOT_PROCESSED = new Set([429]);
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** A 5xx, or a connection that dropped or timed out: whether a POST took effect is unknown. */
export function isAmbiguous(err: unknown): boolean {
  return isConnectionError(err) || (err instanceof OpenstackApiError && err.status >= 500);
}

/** Worth asking again later: rate limited, a 5xx, or a dropped connection (a wait outlasts these up to its timeout). */
export function isTransientApiError(err: unknown): boolean {
  return isConnectionError(err) || (err instanceof OpenstackApiError && TRANSIENT.has(err.status));
}

/** The connection dropped or timed out (the transport's error, whose cause is Node's). */
export function isConnectionError(err: unknown): boolean {
  if (isAbort(err)) return false;
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return CONNECTION_CODES.has(cause?.code ?? '') || /socket hang up|no answer within/.test(cause?.message ?? '');
}
const RETRIES = 4;

/** Glance and Neutron catalog URLs may or may not end in their version; paths here always carry it. */
function joinUrl(base: string, path: string): string {
  const version = path.match(/^\/(v2\.0|v2)\//)?.[1];
  const trimmed = version && base.endsWith(`/${version}`) ? base.slice(0, -version.length - 1) : base;
  return trimmed + path;
}
