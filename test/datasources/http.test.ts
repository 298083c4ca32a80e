import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSources } from '../../src/datasources/index.js';

const http = dataSources.get('http')!;
const ctx = { signal: new AbortController().signal, templateDir: '/tpl' };
let server: Server;
let base: string;
const seen: Record<string, string | string[] | undefined>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    req.url = req.url?.split('?')[0];
    if (req.url === '/version.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-build-id': '42' });
      res.end('{"version":"1.2.3"}');
    } else if (req.url === '/missing') {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>…</body></html>');
    } else if (req.url === '/broken') {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('upstream unavailable\nmore');
    } else if (req.url === '/huge') {
      res.writeHead(200);
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      const more = () => {
        while (sent < 20 && res.write(chunk)) sent++;
        if (sent < 20) res.once('drain', more);
        else res.end();
      };
      more();
    } else {
      res.writeHead(302, { location: '/version.json' });
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('http data source', () => {
  it('GETs the URL with the request headers, following redirects; body and response headers as Packer names them', async () => {
    const out = await http.read({ url: `${base}/latest`, request_headers: { Accept: 'application/json', 'X-Token': 't' } }, ctx);
    expect(out).toMatchObject({ url: `${base}/latest`, body: '{"version":"1.2.3"}', request_headers: { Accept: 'application/json', 'X-Token': 't' } });
    expect((out.response_headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect((out.response_headers as Record<string, string>)['X-Build-Id']).toBe('42');
    expect(seen.at(-1)).toMatchObject({ accept: 'application/json', 'x-token': 't' });
    expect(Object.keys(out).sort()).toEqual([...http.outputs].sort());
  });

  it('fails in one line naming the URL (no credentials, no query) and the status, with an HTML page\'s title or the text\'s first line', async () => {
    const u = new URL(`${base}/missing?token=abc`);
    u.username = 'user';
    u.password = 'pass';
    await expect(http.read({ url: u.href }, ctx)).rejects.toThrow(`http: GET ${base}/missing: HTTP 404 Not Found, answered with an HTML page "404 Not Found"`);
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('user:pass').toString('base64')}`);
    await expect(http.read({ url: `${base}/broken` }, ctx)).rejects.toThrow(`http: GET ${base}/broken: HTTP 503 Service Unavailable, answered with "upstream unavailable"`);
  });

  it('refuses a body larger than it reads, a refused connection, and a URL that is not http(s)', async () => {
    await expect(http.read({ url: `${base}/huge` }, ctx)).rejects.toThrow(`http: GET ${base}/huge: the body is more than 16777216 bytes, more than bake reads`);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(http.read({ url: `http://127.0.0.1:${port}/x` }, ctx)).rejects.toThrow(new RegExp(`^http: GET http://127\\.0\\.0\\.1:${port}/x: .*ECONNREFUSED`));
    await expect(http.read({ url: 'file:///etc/passwd' }, ctx)).rejects.toThrow('http: url: must be http:// or https://, got file:');
  });

  it('stops when the run is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(http.read({ url: `${base}/version.json` }, { ...ctx, signal: ac.signal })).rejects.toThrow();
  });
});
