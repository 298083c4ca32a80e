import { BakeError, isAbort } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { formatDuration, sleep } from '../core/wait.js';
import type { HostKeyVerifier } from './host-key-verifier.js';
import { authMethods, ConnectFailure, openConnection, type SshConnection } from './ssh-connection.js';
import type { SshEndpoint, SshOptions } from './ssh-options.js';

export interface ConnectContext {
  log: Logger;
  signal: AbortSignal;
}

/** Probing a closed port is cheap (one SYN, or a reset from QEMU's user network), so probe every few hundred ms. */
const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 500;
/** A rejected login is retried (cloud-init may not have installed the key yet), but slower. */
const AUTH_RETRY_DELAY_MS = 1000;
const PROGRESS_EVERY_MS = 5000;
/** Upper bound for one attempt, so a host that drops packets is retried rather than waited on. */
const ATTEMPT_TIMEOUT_MS = 20_000;
/**
 * A connection whose server has sent nothing this long after the TCP connect gets another one
 * opened beside it (QEMU's user network accepts at once and holds the connection while the guest's
 * network is not up; its SYNs to the guest are then seconds apart, so a fresh connection reaches an
 * sshd that started meanwhile sooner). The silent one stays open, up to ATTEMPT_TIMEOUT_MS, in case
 * it is a slow server after all; at most MAX_LINGERING of them, the oldest given up first.
 */
const SILENCE_MS = 2000;
const MAX_LINGERING = 2;

const label = (e: SshEndpoint) => `${e.username}@${e.host}:${e.port}`;

function finalError(failure: ConnectFailure, options: SshOptions, attempts: number): BakeError {
  const who = failure.role === 'bastion' ? 'ssh bastion' : 'ssh';
  if (failure.kind === 'auth') {
    return new BakeError(`${who}: authentication as ${label(failure.endpoint)} failed (tried ${authMethods(failure.endpoint).join(', ')})`, {
      cause: failure,
    });
  }
  if (failure.kind === 'handshake') {
    return new BakeError(`${who}: handshake with ${failure.endpoint.host}:${failure.endpoint.port} failed ${attempts} times (ssh_handshake_attempts): ${failure.message}`, {
      cause: failure,
    });
  }
  return new BakeError(
    `${who}: timed out after ${formatDuration(options.timeoutMs)} (ssh_timeout) connecting to ${failure.endpoint.host}:${failure.endpoint.port}: ${failure.message}`,
    { cause: failure },
  );
}

/**
 * Connects, retrying until ssh_timeout: a port that refuses or drops is probed again within a few
 * hundred ms; a server that answers but fails the handshake or rejects the login counts against
 * ssh_handshake_attempts, and a login failure is reported as such even when time runs out. A
 * connection that stays silent (see SILENCE_MS) is kept while a new one is tried beside it: the first
 * to log in is used, the others are closed.
 */
export async function connectWithRetry(options: SshOptions, ctx: ConnectContext, announce: boolean, verifier: HostKeyVerifier): Promise<SshConnection> {
  const start = Date.now();
  const deadline = start + options.timeoutMs;
  let delay = FIRST_DELAY_MS;
  let handshakeFailures = 0;
  let lastProgress = start;
  let waiting = false;
  const silent = new Lingering(ctx);
  let connected: SshConnection | undefined;
  const use = (connection: SshConnection) => {
    if (waiting) ctx.log.progress('Waiting for SSH to become available…', progress(start, options, true));
    connected = connection;
    return connection;
  };
  try {
    for (;;) {
      const remaining = deadline - Date.now();
      const attempt = startAttempt(options, ctx.signal, Math.max(1000, Math.min(remaining, ATTEMPT_TIMEOUT_MS)), verifier);
      const outcome = await Promise.race([
        attempt.done.then((connection) => ({ connection }), (error: unknown) => ({ error })),
        attempt.silent.then(() => ({ silent: true as const })),
        silent.next().then((connection) => ({ connection, other: attempt })),
      ]);
      if ('connection' in outcome) {
        if ('other' in outcome) outcome.other.abort();
        return use(outcome.connection);
      }
      let err: unknown;
      if ('silent' in outcome) {
        silent.keep(attempt);
        err = new ConnectFailure('unreachable', `connected, but no word from the server within ${SILENCE_MS / 1000}s (kept open; trying another connection beside it)`, options, 'target');
      } else {
        err = outcome.error;
      }
      if (isAbort(err) || !(err instanceof ConnectFailure)) throw err;
      if (err.kind !== 'unreachable') {
        handshakeFailures++;
        if (handshakeFailures >= options.handshakeAttempts) throw finalError(err, options, handshakeFailures);
      }
      // The last probe happens right at the deadline, not one backoff step before it. After a silent
      // attempt the next starts at once: that one already waited.
      const wait = Math.min('silent' in outcome ? 0 : err.kind === 'auth' ? AUTH_RETRY_DELAY_MS : delay, deadline - Date.now());
      if (deadline - Date.now() <= 0) throw finalError(err, options, handshakeFailures);
      if (announce && !waiting) ctx.log.say('Waiting for SSH to become available…');
      waiting = true;
      ctx.log.debug(`ssh: attempt failed (${err.kind}): ${err.message}`);
      const won = await Promise.race([sleep(wait, ctx.signal).then(() => undefined), silent.next()]);
      if (won) return use(won);
      if (!('silent' in outcome)) delay = Math.min(delay * 2, MAX_DELAY_MS);
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        // The renderer shows the elapsed and total seconds from the progress data.
        ctx.log.progress('Waiting for SSH to become available…', progress(start, options, false));
      }
    }
  } finally {
    silent.close(connected);
  }
}

interface Attempt {
  /** The logged-in connection, or the failure. */
  done: Promise<SshConnection>;
  /** Resolves if the server has said nothing SILENCE_MS after the TCP connect (the attempt goes on). */
  silent: Promise<void>;
  /** Gives the attempt up (its socket destroyed); `done` then rejects with an abort. */
  abort(): void;
}

function startAttempt(options: SshOptions, signal: AbortSignal, timeoutMs: number, verifier: HostKeyVerifier): Attempt {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let onSilent!: () => void;
  const silent = new Promise<void>((resolve) => (onSilent = resolve));
  const done = openConnection(options, controller.signal, timeoutMs, verifier, { ms: SILENCE_MS, onSilent });
  void done.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
  return { done, silent, abort: () => controller.abort(new Error('another connection logged in first')) };
}

/** Silent attempts kept open, and the first of them to log in. */
class Lingering {
  private readonly open: Attempt[] = [];
  private finished = false;
  private winner: SshConnection | undefined;
  /** The wait's current `next()`: one promise per wait, not one long-lived promise raced (and held) by every probe. */
  private waiter: ((c: SshConnection) => void) | undefined;

  constructor(private readonly ctx: ConnectContext) {}

  /** Resolves with the first kept attempt to log in (at once if one already has); never otherwise. */
  next(): Promise<SshConnection> {
    return new Promise((resolve) => {
      if (this.winner) resolve(this.winner);
      else this.waiter = resolve;
    });
  }

  keep(attempt: Attempt): void {
    this.open.push(attempt);
    if (this.open.length > MAX_LINGERING) this.open.shift()!.abort();
    attempt.done.then(
      (connection) => {
        this.drop(attempt);
        // Another connection got there first (or the wait ended): this one is not needed.
        if (this.finished) connection.end();
        else {
          this.finished = true;
          this.winner = connection;
          this.waiter?.(connection);
        }
      },
      (err: unknown) => {
        this.drop(attempt);
        if (!isAbort(err)) this.ctx.log.debug(`ssh: a connection kept open failed: ${(err as Error).message}`);
      },
    );
  }

  /**
   * The wait is over (connected, failed or cancelled): every kept attempt is given up, and one that
   * logged in just as another connection was taken is closed.
   */
  close(used: SshConnection | undefined): void {
    this.finished = true;
    this.waiter = undefined;
    for (const a of this.open.splice(0)) a.abort();
    if (this.winner && this.winner !== used) this.winner.end();
  }

  private drop(attempt: Attempt): void {
    const i = this.open.indexOf(attempt);
    if (i >= 0) this.open.splice(i, 1);
  }
}

function progress(start: number, options: SshOptions, done: boolean) {
  return {
    label: 'wait',
    current: Math.round((Date.now() - start) / 1000),
    total: Math.round(options.timeoutMs / 1000),
    unit: 'seconds' as const,
    ...(done ? { done: true } : {}),
  };
}
