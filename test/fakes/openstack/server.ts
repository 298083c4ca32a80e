import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { cinder } from './cinder.js';
import { glance } from './glance.js';
import { keystone } from './keystone.js';
import { neutron } from './neutron.js';
import { nova } from './nova.js';
import { json, type Reply, type Req } from './reply.js';
import { FakeState } from './state.js';
import type { FaultKind } from '../faults.js';

export interface FakeOpenstack {
  /** Base URL; Keystone is at `${url}/identity/v3`. */
  url: string;
  authUrl: string;
  state: FakeState;
  close(): Promise<void>;
}

const SERVICES: [RegExp, (state: FakeState, req: Req) => Reply][] = [
  [/^\/compute\/v2\.1(\/.*)$/, nova],
  [/^\/image(\/.*)$/, glance],
  [/^\/network(\/.*)$/, neutron],
  [/^\/volume\/v3\/[^/]+(\/.*)$/, cinder],
];

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function route(state: FakeState, req: Req, fullPath: string, base: string): Reply {
  const line = `${req.method} ${fullPath}`;
  if (fullPath.startsWith('/identity/')) return keystone(state, { ...req, path: fullPath.slice('/identity'.length) }, base);
  const token = req.headers['x-auth-token'];
  if (typeof token !== 'string' || !state.tokens.has(token)) {
    return json(401, { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
  }
  if (state.faults.revokeTokensOn?.test(line)) {
    state.faults.revokeTokensOn = undefined;
    state.tokens.clear();
    return json(401, { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
  }
  if (state.faults.conflictOn?.test(line)) {
    state.faults.conflictOn = undefined;
    return json(409, { conflictingRequest: { code: 409, message: 'There was a conflict when trying to complete your request.' } });
  }
  const busy = state.faults.unavailable;
  if (busy && busy.times > 0 && busy.on.test(line)) {
    busy.times -= 1;
    return { status: 503, text: '503 Service Unavailable\n\nThe server is currently unavailable. Please try again at a later time.\n\n   ', headers: { 'Content-Type': 'text/plain' } };
  }
  for (const [re, handler] of SERVICES) {
    const m = fullPath.match(re);
    if (m) return handler(state, { ...req, path: m[1] });
  }
  return json(404, { error: { code: 404, message: `no service at ${fullPath}` } });
}

/** Paths naming one resource (a not-found there is eventual consistency), and ids shortened for the matrix. */
const NAMES_ID = /\/(servers|images|floatingips|os-keypairs|volumes)\/[^/]+/;
const shape = (path: string) => path.replace(/\/(servers|images|floatingips|os-keypairs|volumes|ports)\/[^/]+/g, '/$1/{id}').replace(/^\/(compute\/v2\.1|volume\/v3\/[^/]+|identity\/v3|image|network)/, '');

const FAULT_REPLY: Record<Exclude<FaultKind, 'reset' | 'lost'>, Reply> = {
  throttle: json(429, { message: 'Rate limit exceeded', code: 429 }),
  server: { status: 503, text: '503 Service Unavailable\n\nThe server is currently unavailable. Please try again at a later time.\n', headers: { 'Content-Type': 'text/plain' } },
  'not-found': json(404, { itemNotFound: { code: 404, message: 'could not be found (not visible yet)' } }),
  outage: { status: 503, text: '503 Service Unavailable\n\nThe server is currently unavailable. Please try again at a later time.\n', headers: { 'Content-Type': 'text/plain' } },
};

/** A loopback OpenStack (Keystone v3, Nova, Glance v2, Neutron, Cinder v3) for tests; HTTPS when given a key and certificate. */
export async function startFakeOpenstack(state = new FakeState(), tls?: { key: string; cert: string }): Promise<FakeOpenstack> {
  let base = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      let reply: Reply;
      let fault: FaultKind | undefined;
      try {
        const body = await readBody(req);
        state.requests.push(`${req.method} ${url.pathname}${url.search}`);
        state.onRequest?.(`${req.method} ${url.pathname}`);
        fault = state.injector.next(`${req.method} ${shape(url.pathname)}`, NAMES_ID.test(url.pathname) && req.method !== 'POST');
        if (fault === 'reset') return void res.socket?.destroy();
        reply = fault && fault !== 'lost' ? FAULT_REPLY[fault] : route(state, { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body }, url.pathname, base);
      } catch (err) {
        reply = json(400, { badRequest: { code: 400, message: `Malformed request body: ${(err as Error).message}` } });
      }
      // The request took effect; the client never hears about it.
      if (fault === 'lost') return void res.socket?.destroy();
      const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      res.writeHead(reply.status, { ...(reply.text ? {} : { 'Content-Type': 'application/json' }), ...reply.headers });
      res.end(text);
    })();
  };
  const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.baseUrl = base;
  return {
    url: base,
    authUrl: `${base}/identity/v3`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
