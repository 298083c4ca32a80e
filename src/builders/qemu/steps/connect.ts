import { join } from 'node:path';
import { connectSsh, resolveSshConfig, slowAesPeerCiphers, sshCommandLine, type SshOptions, writePrivateKey } from '../../../communicator/index.js';
import type { Communicator } from '../../../communicator/types.js';
import { BakeError, errorText, isAbort } from '../../../core/errors.js';
import { span } from '../../../core/spans.js';
import type { Step } from '../../../core/steps.js';
import { formatDuration, sleep } from '../../../core/wait.js';
import type { ResolvedQemu } from '../resolve.js';
import type { ConnectedState, OutputState, SeedState, VmState } from '../state.js';
import { rememberKvmFailure, watchKvm } from '../kvm-probe.js';
import { serialTail } from './launch.js';

/**
 * Connects over the forwarded port, probing from the moment QEMU starts; gives up at once if QEMU
 * exits, and on failure quotes the guest's console so a guest that never booted can be told apart
 * from one whose sshd is unreachable.
 */
export function connectStep(c: ResolvedQemu): Step<OutputState & SeedState & VmState, ConnectedState> {
  let comm: Communicator | undefined;
  const sshOptions = (sshPort: number, privateKey: string | undefined): SshOptions => {
    const options = resolveSshConfig(c.ssh, { host: '127.0.0.1', port: sshPort, username: c.sshUsername, ...(privateKey ? { privateKey } : {}), hostKey: c.hostKeyCapabilities }, c.env);
    // The forwarded port is the guest's, whatever ssh_port says.
    options.host = '127.0.0.1';
    options.port = sshPort;
    return options;
  };
  return {
    name: 'connect',
    run: async (ctx, { qemu, qmp, sshPort, privateKey, hostPublicKey, workDir, startedAt, accel }) => {
      if (c.communicator === 'none') return {};
      const options = sshOptions(sshPort, privateKey);
      if (accel === 'tcg' && !options.ciphers) options.ciphers = slowAesPeerCiphers();
      const died = new AbortController();
      void qemu.exited.then(() => died.abort(new BakeError('QEMU exited')));
      const signal = AbortSignal.any([ctx.signal, died.signal]);
      // Under KVM the guest may still fail (an installer's kernel after boot_command): SSH would
      // then be waited on until ssh_timeout, so a KVM failure ends the wait at once.
      let kvmWhy: string | undefined;
      const watched = new AbortController();
      if (accel === 'kvm') {
        void watchKvm(qemu, qmp, AbortSignal.any([signal, watched.signal])).then((why) => {
          if (!why) return;
          kvmWhy = why;
          died.abort(new BakeError(why));
        });
      }
      try {
        if (c.bootWaitMs > 0) {
          ctx.log.say(`Waiting ${formatDuration(c.bootWaitMs)} for boot (boot_wait)`);
          await sleep(c.bootWaitMs, signal);
        }
        // A wait in the run report, not step time: the guest is booting, bake only probes.
        comm = await span(ctx.log, 'wait', 'SSH on the booting guest', () => connectSsh(options, { log: ctx.log, signal }, hostPublicKey ? { pinned: [hostPublicKey] } : {}));
      } catch (err) {
        const console = serialTail(workDir);
        const tail = console ? `; the guest's console ends with: ${console}` : '';
        if (kvmWhy && !ctx.signal.aborted) {
          rememberKvmFailure(kvmWhy);
          throw new BakeError(
            `qemu: KVM failed while the guest was booting (${kvmWhy}); bake remembers this until the host reboots, so running the build again uses TCG (or set "accelerator": "tcg")${tail}`,
          );
        }
        if (died.signal.aborted && !ctx.signal.aborted) {
          throw new BakeError(`qemu: QEMU exited while waiting for SSH: ${qemu.lastLines() || 'no output'}${tail}`);
        }
        if (isAbort(err)) throw err;
        throw new BakeError(`qemu: ${errorText(err)}${tail}`, { cause: err });
      } finally {
        watched.abort();
      }
      ctx.log.info(`SSH up ${formatDuration(Date.now() - startedAt)} after QEMU started`);
      return { comm };
    },
    cleanup: async () => {
      await comm?.close();
      comm = undefined;
    },
    // The guest stays up (the launch step keeps QEMU); the temporary key goes where the person can use it.
    keep: async (_ctx, { sshPort, privateKey, workDir }) => {
      await comm?.close();
      comm = undefined;
      if (c.communicator === 'none') return [];
      const keyFile = privateKey ? join(workDir, 'ssh_key') : undefined;
      if (keyFile) writePrivateKey(keyFile, privateKey!);
      return [`The guest: ${sshCommandLine(sshOptions(sshPort, privateKey), keyFile, true)}`];
    },
  };
}
