import { type Server, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pickFreePort } from '../../../src/builders/qemu/free-port.js';

const servers: Server[] = [];
const occupy = (port = 0) =>
  new Promise<number>((resolve) => {
    const s = createServer();
    servers.push(s);
    s.listen(port, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
  });
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('pickFreePort', () => {
  it('skips a port something listens on', async () => {
    const taken = await occupy();
    const free = taken === 65535 ? taken - 1 : taken + 1;
    const lo = Math.min(taken, free);
    for (let i = 0; i < 5; i++) expect(await pickFreePort(lo, lo + 1)).toBe(free);
  });

  it('says which range is exhausted', async () => {
    const taken = await occupy();
    await expect(pickFreePort(taken, taken)).rejects.toThrow(
      `no free port between ${taken} and ${taken} on 127.0.0.1 (host_port_min/host_port_max): free one or widen the range`,
    );
  });
});
