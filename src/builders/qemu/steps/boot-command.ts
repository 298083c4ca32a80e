import { basename } from 'node:path';
import { BakeError, errorText, isAbort } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { formatDuration, sleep } from '../../../core/wait.js';
import { render } from '../../../template/index.js';
import { parseBootCommand } from '../boot-keys.js';
import type { ResolvedQemu } from '../resolve.js';
import type { HttpState, OutputState, SeedState, VmState } from '../state.js';
import { typeExpressions } from '../type-keys.js';

/**
 * Types boot_command (or boot_steps) into the guest after boot_wait, through QEMU's own input
 * (QMP input-send-event) instead of a VNC client. Each group of keys is logged at debug level;
 * the event bus redacts sensitive values in it.
 */
export function bootCommandStep(c: ResolvedQemu): Step<OutputState & SeedState & HttpState & VmState, object> {
  return {
    name: 'boot command',
    run: async (ctx, { qmp, imagePath, httpIp, httpPort, publicKey }) => {
      if (!c.boot) return {};
      const boot = c.boot;
      if (boot.waitMs > 0) {
        ctx.log.say(`Waiting ${formatDuration(boot.waitMs)} for boot (boot_wait)`);
        await sleep(boot.waitMs, ctx.signal);
      }
      const data = { HTTPIP: httpIp, HTTPPort: httpPort, Name: basename(imagePath), SSHPublicKey: publicKey ?? '' };
      const key = boot.steps.length === 1 && boot.steps[0]!.description === undefined ? 'boot_command' : 'boot_steps';
      ctx.log.say('Typing the boot command (through QMP)');
      for (const [i, step] of boot.steps.entries()) {
        const where = `${c.env.file}: ${c.env.path}.${key === 'boot_steps' ? `boot_steps[${i}]` : key}`;
        if (step.description) ctx.log.say(`Typing boot command for: ${step.description}`);
        const keys = render(step.keys, { data, where });
        try {
          await typeExpressions(parseBootCommand(keys), (events) => qmp.execute('input-send-event', { events }), {
            keyIntervalMs: boot.keyIntervalMs,
            groupIntervalMs: boot.groupIntervalMs,
            signal: ctx.signal,
            onGroup: (text) => ctx.log.debug(`boot_command: ${text}`),
          });
        } catch (err) {
          if (isAbort(err)) throw err;
          throw new BakeError(`qemu: typing the boot command failed: ${errorText(err)}`, { cause: err });
        }
      }
      return {};
    },
  };
}
