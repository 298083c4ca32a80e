import { formatDuration, sleep } from '../core/wait.js';
import { type HostKeyHints, HostKeyVerifier } from './host-key-verifier.js';
import { type ConnectContext, connectWithRetry } from './ssh-connect.js';
import { SshCommunicator } from './ssh-communicator.js';
import type { SshOptions } from './ssh-options.js';
import type { Communicator } from './types.js';

/**
 * Connects to the machine (after pause_before_connecting), retrying until ssh_timeout, and
 * returns a Communicator that keeps using that one connection. Builders need not log anything
 * around it: it says what it is doing as Packer does. `hostKeys` is what the builder knows of the
 * machine's host key (a key it pinned, its console); options.hostKey says how it is used.
 */
export async function connectSsh(options: SshOptions, ctx: ConnectContext, hostKeys: HostKeyHints = {}): Promise<Communicator> {
  if (options.pauseBeforeConnectingMs > 0) {
    ctx.log.say(`Pausing ${formatDuration(options.pauseBeforeConnectingMs)} before connecting…`);
    await sleep(options.pauseBeforeConnectingMs, ctx.signal);
  }
  const via = options.bastion ? ` via bastion ${options.bastion.host}:${options.bastion.port}` : '';
  ctx.log.say(`Using SSH communicator to connect: ${options.host}:${options.port}${via}`);
  const verifier = new HostKeyVerifier(options, hostKeys, ctx.log);
  await verifier.prepare(ctx.signal);
  const connection = await connectWithRetry(options, ctx, true, verifier);
  ctx.log.say('Connected to SSH!');
  return new SshCommunicator(options, ctx, connection, verifier);
}
