import { connectSsh, resolveSshConfig, slowAesPeerCiphers } from '../../../communicator/index.js';
import type { Communicator } from '../../../communicator/types.js';
import { BakeError, errorText, isAbort } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { formatDuration, sleep } from '../../../core/wait.js';
import type { ResolvedQemu } from '../resolve.js';
import type { ConnectedState, OutputState, SeedState, VmState } from '../state.js';
import { serialTail } from './launch.js';

/**
 * Connects over the forwarded port, probing from the moment QEMU starts; gives up at once if QEMU
 * exits, and on failure quotes the guest's console so a guest that never booted can be told apart
 * from one whose sshd is unreachable.
 */
export function connectStep(c: ResolvedQemu): Step<OutputState & SeedState & VmState, ConnectedState> {
  let comm: Communicator | undefined;
  return {
    name: 'connect',
    run: async (ctx, { qemu, sshPort, privateKey, hostPublicKey, workDir, startedAt, accel }) => {
      if (c.communicator === 'none') return {};
      const options = resolveSshConfig(c.ssh, { host: '127.0.0.1', port: sshPort, username: c.sshUsername, ...(privateKey ? { privateKey } : {}), hostKey: c.hostKeyCapabilities }, c.env);
      // The forwarded port is the guest's, whatever ssh_port says.
      options.host = '127.0.0.1';
      options.port = sshPort;
      if (accel === 'tcg' && !options.ciphers) options.ciphers = slowAesPeerCiphers();
      const died = new AbortController();
      void qemu.exited.then(() => died.abort(new BakeError('QEMU exited')));
      const signal = AbortSignal.any([ctx.signal, died.signal]);
      try {
        if (c.bootWaitMs > 0) {
          ctx.log.say(`Waiting ${formatDuration(c.bootWaitMs)} for boot (boot_wait)`);
          await sleep(c.bootWaitMs, signal);
        }
        comm = await connectSsh(options, { log: ctx.log, signal }, hostPublicKey ? { pinned: [hostPublicKey] } : {});
      } catch (err) {
        const console = serialTail(workDir);
        const tail = console ? `; the guest's console ends with: ${console}` : '';
        if (died.signal.aborted && !ctx.signal.aborted) {
          throw new BakeError(`qemu: QEMU exited while waiting for SSH: ${qemu.lastLines() || 'no output'}${tail}`);
        }
        if (isAbort(err)) throw err;
        throw new BakeError(`qemu: ${errorText(err)}${tail}`, { cause: err });
      }
      ctx.log.info(`SSH up ${formatDuration(Date.now() - startedAt)} after QEMU started`);
      return { comm };
    },
    cleanup: async () => {
      await comm?.close();
      comm = undefined;
    },
  };
}
