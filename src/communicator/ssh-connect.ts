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
 * How long an accepted connection may go without the SSH handshake before a fresh one is tried
 * (QEMU's user network accepts at once and then holds the connection while the guest boots). A
 * server that is merely slow gets a second more after each silent attempt, up to ATTEMPT_TIMEOUT_MS.
 */
const FIRST_SILENCE_MS = 3000;
const SILENCE_STEP_MS = 1000;

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
 * ssh_handshake_attempts, and a login failure is reported as such even when time runs out.
 */
export async function connectWithRetry(options: SshOptions, ctx: ConnectContext, announce: boolean, verifier: HostKeyVerifier): Promise<SshConnection> {
  const start = Date.now();
  const deadline = start + options.timeoutMs;
  let delay = FIRST_DELAY_MS;
  let handshakeFailures = 0;
  let lastProgress = start;
  let waiting = false;
  let silent = 0;
  for (;;) {
    const remaining = deadline - Date.now();
    try {
      const silenceMs = Math.min(FIRST_SILENCE_MS + silent * SILENCE_STEP_MS, ATTEMPT_TIMEOUT_MS);
      const connection = await openConnection(options, ctx.signal, Math.min(remaining, ATTEMPT_TIMEOUT_MS), verifier, silenceMs);
      if (waiting) ctx.log.progress('Waiting for SSH to become available…', progress(start, options, true));
      return connection;
    } catch (err) {
      if (isAbort(err) || !(err instanceof ConnectFailure)) throw err;
      silent = err.silent ? silent + 1 : 0;
      if (err.kind !== 'unreachable') {
        handshakeFailures++;
        if (handshakeFailures >= options.handshakeAttempts) throw finalError(err, options, handshakeFailures);
      }
      // The last probe happens right at the deadline, not one backoff step before it.
      const wait = Math.min(err.kind === 'auth' ? AUTH_RETRY_DELAY_MS : delay, deadline - Date.now());
      if (wait <= 0) throw finalError(err, options, handshakeFailures);
      if (announce && !waiting) ctx.log.say('Waiting for SSH to become available…');
      waiting = true;
      ctx.log.debug(`ssh: attempt failed (${err.kind}): ${err.message}`);
      await sleep(wait, ctx.signal);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        // The renderer shows the elapsed and total seconds from the progress data.
        ctx.log.progress('Waiting for SSH to become available…', progress(start, options, false));
      }
    }
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
