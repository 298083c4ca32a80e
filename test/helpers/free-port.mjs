// A free TCP port on 127.0.0.1, for the servers the tests and benchmarks start. Plain ESM
// JavaScript so that the .mjs launchers and bench/*.mjs can import it without a build.
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
