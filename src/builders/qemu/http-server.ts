import { createReadStream, realpathSync, statSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { join, sep } from 'node:path';
import { BakeError } from '../../core/errors.js';

export interface HttpServeOptions {
  /** http_directory, absolute. */
  directory?: string;
  /** http_content: URL path ("/user-data") → body. */
  content?: Record<string, string>;
  portMin: number;
  portMax: number;
  bindAddress: string;
  /** One line per request, for the debug log. */
  onRequest?: (line: string) => void;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/** The file under `root` that a URL path names, or undefined when it names nothing there (also via `..` or a symlink out). */
function fileUnder(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  try {
    const real = realpathSync(join(root, decoded));
    if (real !== root && !real.startsWith(root + sep)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function handler(options: HttpServeOptions, root: string | undefined) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://bake').pathname;
    const done = (status: number, bytes: number) => options.onRequest?.(`HTTP ${req.method} ${path} ${status} (${bytes} bytes) from ${req.socket.remoteAddress}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return done(405, 0);
    }
    const body = options.content?.[path] ?? options.content?.[path.replace(/^\//, '')];
    if (body !== undefined) {
      const bytes = Buffer.byteLength(body);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
      res.end(req.method === 'HEAD' ? undefined : body);
      return done(200, bytes);
    }
    const file = root ? fileUnder(root, path) : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return done(404, 0);
    }
    const size = statSync(file).size;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    if (req.method === 'HEAD') {
      res.end();
      return done(200, size);
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res)
      .on('finish', () => done(200, size));
  };
}

function listen(server: Server, port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(new BakeError(`HTTP server: cannot listen on ${host}:${port}: ${err.message} (http_bind_address)`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

/**
 * Packer's HTTP server for installers: http_content and the files under http_directory (nothing
 * outside it, no listings), on the first free port of [portMin, portMax] tried from a random
 * offset, so parallel builds rarely collide.
 */
export async function startHttpServer(options: HttpServeOptions): Promise<HttpServer> {
  const root = options.directory ? realpathSync(options.directory) : undefined;
  const server = createServer(handler(options, root));
  const count = options.portMax - options.portMin + 1;
  const offset = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    const port = options.portMin + ((offset + i) % count);
    if (!(await listen(server, port, options.bindAddress))) continue;
    return {
      port,
      close: () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          // An installer may keep a connection open; the build is over, so it is cut.
          server.closeAllConnections();
        }),
    };
  }
  throw new BakeError(`HTTP server: no free port between ${options.portMin} and ${options.portMax} on ${options.bindAddress} (http_port_min/http_port_max): free one or widen the range`);
}
