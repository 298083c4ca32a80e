import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { BakeError, isAbort, reasonText, AbortedError } from '../../core/errors.js';

/** TLS settings of Packer's `insecure`, `cacert`, `cert`, `key` (and clouds.yaml's verify/cacert/cert/key). */
export interface TlsOptions {
  insecure?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/**
 * node:http(s) rather than fetch: Node 20's fetch takes a custom CA or client certificate only
 * through an undici Agent, which is not exposed without the undici package.
 */
export function makeTransport(tls: TlsOptions = {}, timeoutMs = 120_000): Transport {
  let agent: Agent | undefined;
  const httpsAgent = (): Agent => {
    agent ??= new Agent({
      keepAlive: true,
      rejectUnauthorized: !tls.insecure,
      ...(tls.cacert ? { ca: readTlsFile(tls.cacert, 'cacert') } : {}),
      ...(tls.cert ? { cert: readTlsFile(tls.cert, 'cert') } : {}),
      ...(tls.key ? { key: readTlsFile(tls.key, 'key') } : {}),
    });
    return agent;
  };
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      if (req.signal?.aborted) return reject(new AbortedError(reasonText(req.signal.reason)));
      const url = new URL(req.url);
      const isHttps = url.protocol === 'https:';
      const send = isHttps ? httpsRequest : httpRequest;
      const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
      if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
      const r = send(url, { method: req.method, headers, signal: req.signal, timeout: timeoutMs, ...(isHttps ? { agent: httpsAgent() } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      r.on('timeout', () => r.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)}s`)));
      r.on('error', (err) => {
        if (isAbort(err) || req.signal?.aborted) return reject(new AbortedError(reasonText(req.signal?.reason)));
        const hint = TLS_CODES.has((err as NodeJS.ErrnoException).code ?? '') ? '; give its CA with cacert (OS_CACERT), or set insecure' : '';
        reject(new BakeError(`openstack: ${req.method} ${url.origin}${url.pathname} failed: ${err.message}${hint}`, { cause: err }));
      });
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
}

function readTlsFile(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new BakeError(`openstack: ${option}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
