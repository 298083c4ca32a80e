import { type Socket, connect } from 'node:net';
import { BakeError } from '../../core/errors.js';
import { sleep } from '../../core/wait.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * A minimal client of QEMU's machine protocol (one JSON object per line): commands are answered in
 * order, events (SHUTDOWN, STOP, …) arrive in between and go to `onEvent`.
 */
export class QmpClient {
  private buffer = '';
  private readonly pending: Pending[] = [];
  private closed = false;
  onEvent: (event: string, data: unknown) => void = () => {};

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk.toString()));
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.pending.splice(0)) p.reject(new BakeError('QMP: QEMU closed the connection'));
    });
    socket.on('error', () => {});
  }

  /** Connects once QEMU has created the socket, and leaves capabilities negotiation mode. */
  static async connect(path: string, signal: AbortSignal, timeoutMs = 10_000): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once('error', reject);
        });
        const client = new QmpClient(socket);
        await client.next();
        await client.execute('qmp_capabilities');
        return client;
      } catch (err) {
        if (Date.now() > deadline) throw new BakeError(`QMP: could not connect to ${path}`, { cause: err });
        await sleep(50, signal);
      }
    }
  }

  private receive(text: string): void {
    this.buffer += text;
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      nl = this.buffer.indexOf('\n');
      if (!line) continue;
      const msg = JSON.parse(line) as { event?: string; data?: unknown; return?: unknown; error?: { desc: string }; QMP?: unknown };
      if (msg.event) {
        this.onEvent(msg.event, msg.data);
        continue;
      }
      const p = this.pending.shift();
      if (!p) continue;
      if (msg.error) p.reject(new BakeError(`QMP: ${msg.error.desc}`));
      else p.resolve(msg.return ?? msg.QMP);
    }
  }

  /** The next reply (used for the greeting). */
  private next(): Promise<unknown> {
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new BakeError('QMP: connection closed'));
    const reply = this.next() as Promise<T>;
    this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
    return reply;
  }

  async status(): Promise<string> {
    return (await this.execute<{ status: string }>('query-status')).status;
  }

  close(): void {
    this.socket.destroy();
  }
}
