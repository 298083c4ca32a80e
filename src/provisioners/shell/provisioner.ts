import type { Communicator } from '../../communicator/types.js';
import type { ProvisionContext } from '../../core/context.js';
import { throwIfAborted } from '../../core/errors.js';
import { formatDuration, sleep } from '../../core/wait.js';
import type { Provisioner } from '../../plugins/types.js';
import { buildVars } from './env-vars.js';
import type { ResolvedShell } from './resolve.js';
import { runSource } from './run-source.js';

export class ShellProvisioner implements Provisioner {
  constructor(readonly config: ResolvedShell) {}

  async run(ctx: ProvisionContext, comm: Communicator): Promise<void> {
    const vars = buildVars(ctx, this.config.userVars);
    for (const src of this.config.sources) {
      throwIfAborted(ctx.signal);
      await runSource(ctx, comm, this.config, src, vars);
    }
    if (this.config.pauseAfterMs > 0) {
      ctx.log.info(`Pausing ${formatDuration(this.config.pauseAfterMs)} after this provisioner...`);
      await sleep(this.config.pauseAfterMs, ctx.signal);
    }
  }
}
