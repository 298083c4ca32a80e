import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay in front of one server connection that can make the client read several of the
 * server's packets at once, as a client on a busy machine does when it is not scheduled while
 * they arrive. It cannot read the encrypted SSH packets, so it counts bytes: `count` measures what
 * the server sends after the client's n-th write from now, and `hold` buffers that many bytes after
 * the client's n-th write and hands them over in one write.
 */
export interface CoalescingProxy {
  port: number;
  /** Counts the server's bytes after the client's `afterClientWrites`-th write from now; call the result for the count. */
  count(afterClientWrites: number): () => number;
  /** Holds the server's bytes after the client's `afterClientWrites`-th write from now until `bytes` came (or 5 s passed), then delivers them in one write. */
  hold(afterClientWrites: number, bytes: number): void;
  /** Resolves once no bytes went either way for 50 ms: the client's answer to a channel close is relayed before the next phase counts writes. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface Phase {
  afterClientWrites: number;
  clientWrites: number;
  serverBytes: number;
  hold?: { bytes: number; chunks: Buffer[]; timer?: NodeJS.Timeout };
}

export async function startCoalescingProxy(target: { host: string; port: number }): Promise<CoalescingProxy> {
  let phase: Phase | undefined;
  let lastTraffic = Date.now();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => sockets.delete(s));
    }
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('data', (chunk: Buffer) => {
      lastTraffic = Date.now();
      if (phase) phase.clientWrites++;
      upstream.write(chunk);
    });
    const flush = (p: Phase) => {
      if (!p.hold) return;
      clearTimeout(p.hold.timer);
      if (phase === p) phase = undefined;
      client.write(Buffer.concat(p.hold.chunks));
    };
    upstream.on('data', (chunk: Buffer) => {
      lastTraffic = Date.now();
      const p = phase;
      if (!p || p.clientWrites < p.afterClientWrites) return void client.write(chunk);
      p.serverBytes += chunk.length;
      if (!p.hold) return void client.write(chunk);
      p.hold.chunks.push(chunk);
      p.hold.timer ??= setTimeout(() => flush(p), 5000);
      if (p.serverBytes >= p.hold.bytes) flush(p);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    count(afterClientWrites) {
      const p: Phase = { afterClientWrites, clientWrites: 0, serverBytes: 0 };
      phase = p;
      return () => {
        if (phase === p) phase = undefined;
        return p.serverBytes;
      };
    },
    hold(afterClientWrites, bytes) {
      phase = { afterClientWrites, clientWrites: 0, serverBytes: 0, hold: { bytes, chunks: [] } };
    },
    async settled() {
      while (Date.now() - lastTraffic < 50) await new Promise((r) => setTimeout(r, 50 - (Date.now() - lastTraffic)));
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
