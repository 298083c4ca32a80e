import { createServer } from 'node:net';
import { BakeError } from '../../core/errors.js';

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port in [min, max] nothing listens on, starting at a random offset so parallel builds rarely
 * race for the same one (QEMU binds it a moment later).
 */
export async function pickFreePort(min: number, max: number, host = '127.0.0.1'): Promise<number> {
  const count = max - min + 1;
  const offset = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    const port = min + ((offset + i) % count);
    if (await canListen(port, host)) return port;
  }
  throw new BakeError(`no free port between ${min} and ${max} on ${host} (host_port_min/host_port_max): free one or widen the range`);
}
