import { basename } from 'node:path';
import type { Step } from '../../../core/steps.js';
import { render } from '../../../template/index.js';
import { type HttpServer, startHttpServer } from '../http-server.js';
import type { ResolvedQemu } from '../resolve.js';
import type { HttpState, OutputState, SeedState } from '../state.js';

/**
 * With QEMU's user networking the guest reaches the host's loopback at 10.0.2.2, so that is the
 * address a boot command gives the installer ({{ .HTTPIP }}), as in Packer.
 */
export const GUEST_HOST_IP = '10.0.2.2';

/** Serves http_directory / http_content while the build runs; the cleanup closes it on every exit path. */
export function httpStep(c: ResolvedQemu): Step<OutputState & SeedState, HttpState> {
  let server: HttpServer | undefined;
  return {
    name: 'http server',
    run: async (ctx, { imagePath, publicKey }) => {
      if (!c.http) return {};
      const data = { SSHPublicKey: publicKey ?? '', Name: basename(imagePath) };
      // Other {{ .Fields }} are left as written: the installer's own templates may use the syntax.
      const content = c.http.content && Object.fromEntries(Object.entries(c.http.content).map(([path, body]) => [path, render(body, { data, partial: true, where: `${c.env.file}: ${c.env.path}.http_content.${path}` })]));
      server = await startHttpServer({ ...c.http, ...(content ? { content } : {}), onRequest: (line) => ctx.log.debug(line) });
      const what = [c.http.directory, c.http.content && `${Object.keys(c.http.content).length} http_content path(s)`].filter(Boolean).join(' and ');
      ctx.log.say(`Serving ${what} on ${c.http.bindAddress}:${server.port} (the guest reaches it at http://${GUEST_HOST_IP}:${server.port}/)`);
      return { httpIp: GUEST_HOST_IP, httpPort: server.port };
    },
    cleanup: async (ctx) => {
      if (!server) return;
      await server.close();
      ctx.log.debug('HTTP server stopped');
      server = undefined;
    },
    // Served from bake's own process: it cannot outlive bake.
    keep: 'release',
  };
}
