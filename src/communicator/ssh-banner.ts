import { connect, type Socket } from 'node:net';
import { AbortedError, reasonText } from '../core/errors.js';

/** The TCP connection failed, closed, or (`silent`) stayed without a word: worth another attempt. */
export class NoBanner extends Error {
  constructor(
    message: string,
    readonly silent = false,
  ) {
    super(message);
  }
}

/**
 * Opens a TCP connection and waits for the server's first bytes (its "SSH-2.0-…" identification),
 * then hands the socket over with those bytes put back for ssh2 to read. A connection that stays
 * silent for `silenceMs` is given up (NoBanner, `silent`), so the caller can try a fresh
 * one: QEMU's user network accepts on the forwarded port at once, then holds the connection without
 * a word while the booting guest's network is not up, where a new connection would reach an sshd
 * started meanwhile.
 */
export function awaitBanner(endpoint: { host: string; port: number }, silenceMs: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: endpoint.host, port: endpoint.port });
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.off('data', onData);
      if (err) {
        sock.destroy();
        reject(err);
      } else {
        resolve(sock);
      }
    };
    const failure = (message: string, silent = false) => new NoBanner(message, silent);
    const onData = (chunk: Buffer) => {
      sock.pause();
      sock.unshift(chunk);
      settle();
    };
    const onAbort = () => settle(new AbortedError(reasonText(signal.reason)));
    let timer: NodeJS.Timeout | undefined;
    sock.once('connect', () => {
      timer = setTimeout(() => settle(failure(`connected, but no SSH banner within ${silenceMs / 1000}s`, true)), silenceMs);
    });
    sock.on('data', onData);
    sock.once('error', (err) => settle(failure(err.message)));
    sock.once('close', () => settle(failure('connection closed before the SSH banner')));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
