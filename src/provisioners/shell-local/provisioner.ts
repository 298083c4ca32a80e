import type { Communicator } from '../../communicator/types.js';
import type { ProvisionContext } from '../../core/context.js';
import type { Provisioner } from '../../plugins/types.js';
import type { ResolvedShellLocal } from './resolve.js';
import { runShellLocal } from './run-local.js';

/** Runs on the machine bake runs on; the build's communicator is not used. */
export class ShellLocalProvisioner implements Provisioner {
  constructor(readonly config: ResolvedShellLocal) {}

  async run(ctx: ProvisionContext, _comm: Communicator): Promise<void> {
    await runShellLocal(this.config, { ...ctx, who: 'shell-local provisioner' });
  }
}
