import { BakeError, errorText } from '../core/errors.js';
import type { DataSourcePlugin } from './types.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

/** The URL as messages may show it: no user:password@, no query (presigned URLs carry tokens there). */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Go's canonical header names ("Content-Type"), which Packer's output uses, for fetch's lower-case ones. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** What a failed response says, in one short line: an HTML page's title, else the start of its text. */
function gist(body: string, contentType: string): string {
  if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(body)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
    return title ? `an HTML page "${title.slice(0, 120)}"` : 'an HTML page';
  }
  const line = body.trim().split('\n')[0]?.trim() ?? '';
  return line ? JSON.stringify(line.length > 160 ? `${line.slice(0, 160)}…` : line) : 'no body';
}

async function readBounded(response: Response, where: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BakeError(`${where}: the body is ${declared} bytes, more than bake reads (${MAX_BODY_BYTES})`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new BakeError(`${where}: the body is more than ${MAX_BODY_BYTES} bytes, more than bake reads`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Packer's `http` data source: one GET, its body and response headers. Bounded in time and size;
 * a status outside 2xx is an error naming the URL (without credentials or query) and the status.
 */
export const httpDataSource: DataSourcePlugin = {
  type: 'http',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', description: 'The http:// or https:// URL to GET.' },
      request_headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Headers sent with the request.' },
      method: { type: 'string', enum: ['GET'], description: 'Only GET: a data source reads, it does not change anything.' },
    },
  },
  outputs: ['url', 'request_headers', 'response_headers', 'body'],
  async read(config, ctx) {
    const raw = String(config.url);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new BakeError(`http: url: not a URL: ${JSON.stringify(raw.slice(0, 200))}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BakeError(`http: url: must be http:// or https://, got ${url.protocol}`);
    const where = `http: GET ${shown(url)}`;
    const headers = (config.request_headers ?? {}) as Record<string, string>;
    // fetch refuses user:password@ in a URL (and would print it); it is Basic authentication, as Go's client sends it.
    const sent = new Headers(headers);
    if (url.username || url.password) {
      if (!sent.has('authorization')) sent.set('authorization', `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`);
      url.username = '';
      url.password = '';
    }
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, { headers: sent, signal, redirect: 'follow' });
      body = await readBounded(response, where);
    } catch (err) {
      if (err instanceof BakeError) throw err;
      if (timeout.aborted && !ctx.signal.aborted) throw new BakeError(`${where}: no complete answer within ${TIMEOUT_MS / 1000}s`);
      if (ctx.signal.aborted) throw err;
      throw new BakeError(`${where}: ${errorText((err as { cause?: unknown }).cause ?? err)}`);
    }
    if (response.status < 200 || response.status > 299) {
      throw new BakeError(`${where}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}, answered with ${gist(body, response.headers.get('content-type') ?? '')}`);
    }
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[canonical(name)] = value;
    });
    return { url: raw, request_headers: headers, response_headers: responseHeaders, body };
  },
};
