import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startHttpServer } from '../../../src/builders/qemu/http-server.js';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import { httpStep } from '../../../src/builders/qemu/steps/http.js';
import { Pipeline } from '../../../src/core/steps.js';
import { makeBuildContext } from '../../helpers/context.js';

const dir = mkdtempSync(join(tmpdir(), 'bake-http-'));
const root = join(dir, 'http');
mkdirSync(join(root, 'debian'), { recursive: true });
writeFileSync(join(root, 'debian', 'preseed.cfg'), 'd-i passwd/user-fullname string bake\n');
writeFileSync(join(dir, 'secret.txt'), 'outside\n');
symlinkSync(join(dir, 'secret.txt'), join(root, 'link-out'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A raw GET (no URL normalisation, so `..` reaches the server as written). */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startHttpServer', () => {
  it('serves files under http_directory and nothing else', async () => {
    const lines: string[] = [];
    const server = await startHttpServer({ directory: root, portMin: 18000, portMax: 18999, bindAddress: '127.0.0.1', onRequest: (l) => lines.push(l) });
    try {
      expect(await get(server.port, '/debian/preseed.cfg')).toEqual({ status: 200, body: 'd-i passwd/user-fullname string bake\n' });
      expect((await get(server.port, '/debian/../../secret.txt')).status).toBe(404);
      expect((await get(server.port, '/%2e%2e/secret.txt')).status).toBe(404);
      expect((await get(server.port, '/link-out')).status).toBe(404);
      expect((await get(server.port, '/debian/')).status).toBe(404);
      expect((await get(server.port, '/missing')).status).toBe(404);
      expect((await get(server.port, '/debian/preseed.cfg', 'POST')).status).toBe(405);
      expect(await get(server.port, '/debian/preseed.cfg', 'HEAD')).toEqual({ status: 200, body: '' });
      // A request is logged once its response has finished, which can be after the client read it.
      await vi.waitFor(() => expect(lines).toHaveLength(8));
      expect(lines).toContain('HTTP GET /debian/preseed.cfg 200 (37 bytes) from 127.0.0.1');
    } finally {
      await server.close();
    }
  });

  it('serves http_content by path, with or without the leading slash', async () => {
    const server = await startHttpServer({ content: { '/user-data': '#cloud-config\n', 'meta-data': '' }, portMin: 18000, portMax: 18999, bindAddress: '127.0.0.1' });
    try {
      expect(await get(server.port, '/user-data')).toEqual({ status: 200, body: '#cloud-config\n' });
      expect(await get(server.port, '/meta-data')).toEqual({ status: 200, body: '' });
      expect((await get(server.port, '/vendor-data')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('takes a free port of the range, and says so when there is none', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(18500, '127.0.0.1', () => r()));
    try {
      const server = await startHttpServer({ content: { '/a': 'b' }, portMin: 18500, portMax: 18501, bindAddress: '127.0.0.1' });
      expect(server.port).toBe(18501);
      await expect(startHttpServer({ content: { '/a': 'b' }, portMin: 18500, portMax: 18501, bindAddress: '127.0.0.1' })).rejects.toThrow(
        'HTTP server: no free port between 18500 and 18501 on 127.0.0.1 (http_port_min/http_port_max): free one or widen the range',
      );
      await server.close();
      await expect(get(18501, '/a')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      taken.close();
    }
  });
});

describe('httpStep', () => {
  it('is closed when the build is interrupted (Ctrl-C), with the guest address announced', async () => {
    const c = resolveQemuConfig({ http_directory: root, http_port_min: 18600, http_port_max: 18700 }, { file: 't.json', path: 'builders[0]', templateDir: dir });
    const ctx = makeBuildContext();
    let port = 0;
    const pipeline = Pipeline.start<{ imagePath: string; workDir: string; outputDir: string }>()
      .then(httpStep(c))
      .then({
        name: 'interrupted',
        run: async (_ctx, state) => {
          port = state.httpPort!;
          expect(state.httpIp).toBe('10.0.2.2');
          expect((await get(port, '/debian/preseed.cfg')).status).toBe(200);
          ctx.controller.abort(new Error('Interrupted'));
          throw new Error('Interrupted');
        },
      });
    await expect(pipeline.run(ctx, { imagePath: '/out/x', workDir: dir, outputDir: '/out' })).rejects.toThrow('Interrupted');
    expect(ctx.events.map((e) => e.text)).toContain(`Serving ${root} on 127.0.0.1:${port} (the guest reaches it at http://10.0.2.2:${port}/)`);
    await expect(get(port, '/debian/preseed.cfg')).rejects.toThrow(/ECONNREFUSED/);
  });
});
