import { AbortedError, BakeError, errorText, reasonText } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { formatDuration } from '../../../core/wait.js';
import type { ResolvedQemu } from '../resolve.js';
import { renderShutdownCommand } from '../shutdown-command.js';
import { scrubSeededHostKey } from '../host-key-scrub.js';
import type { ConnectedState, HttpState, OutputState, SeedState, VmState } from '../state.js';

/**
 * Stops the guest: shutdown_command over SSH, else an ACPI power-down through QMP. QEMU's exit is
 * noticed the moment it happens; only after shutdown_timeout is it killed, and the build fails,
 * since a disk cut off mid-shutdown may be inconsistent.
 */
export function shutdownStep(c: ResolvedQemu): Step<VmState & ConnectedState & HttpState & OutputState & SeedState, { shutdownMs: number }> {
  return {
    name: 'shutdown',
    run: async (ctx, { qemu, qmp, comm, imagePath, httpIp, httpPort, hostPublicKey }) => {
      const started = Date.now();
      if (comm && hostPublicKey) {
        ctx.log.say('Removing the SSH host key bake gave the guest');
        await scrubSeededHostKey(comm, ctx.signal);
      }
      if (comm && c.clearAuthorizedKeys) {
        await comm.exec(`sed -i '/bake-${ctx.buildId}/d' ~/.ssh/authorized_keys`);
      }
      if (comm && c.shutdownCommand) {
        const values = { buildName: ctx.buildName, buildType: ctx.buildType, imagePath, httpIp, httpPort };
        const command = renderShutdownCommand(c.shutdownCommand, values, `${c.env.file}: ${c.env.path}.shutdown_command`);
        // The event bus masks sensitive values ({{user `password`}} in `echo … | sudo -S`) in this line.
        ctx.log.say(`Gracefully halting the virtual machine: ${command}`);
        try {
          const result = await comm.exec(command, { signal: ctx.signal });
          if (result.exitCode) ctx.log.warn(`shutdown_command exited with ${result.exitCode}: ${result.stderrTail.join(' | ')}`);
        } catch (err) {
          // The guest going down may drop the connection before the command reports back.
          ctx.log.debug(`shutdown_command: ${errorText(err)}`);
        }
        await comm.close().catch(() => {});
      } else {
        await comm?.close().catch(() => {});
        ctx.log.say('Powering off the virtual machine (ACPI, through QMP)');
        await qmp.execute('system_powerdown').catch(() => {});
      }
      const onAbort = new Promise<never>((_, reject) => {
        if (ctx.signal.aborted) reject(new AbortedError(reasonText(ctx.signal.reason)));
        ctx.signal.addEventListener('abort', () => reject(new AbortedError(reasonText(ctx.signal.reason))), { once: true });
      });
      const exit = await Promise.race([qemu.waitExit(c.shutdownTimeoutMs), onAbort]);
      if (!exit) {
        ctx.log.warn(`qemu: the guest did not power off within ${formatDuration(c.shutdownTimeoutMs)} (shutdown_timeout); killing QEMU`);
        await qemu.kill();
        throw new BakeError(`qemu: the guest did not power off within ${formatDuration(c.shutdownTimeoutMs)} (shutdown_timeout); set shutdown_command or a longer shutdown_timeout`);
      }
      const shutdownMs = Date.now() - started;
      ctx.log.info(`Guest powered off in ${formatDuration(shutdownMs)}`);
      return { shutdownMs };
    },
  };
}
