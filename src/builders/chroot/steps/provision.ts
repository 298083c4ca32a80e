import { ImageTransfers } from '../../../chroot-sandbox/index.js';
import { ChrootCommunicator } from '../../../communicator/index.js';
import type { Step } from '../../../core/steps.js';
import { render } from '../../../template/index.js';
import type { MountConfig } from '../resolve.js';
import type { DiskState, MountedState } from '../state.js';

/**
 * Runs the template's provisioners in the chroot. ServiceMode tells the state provisioner that no
 * service can start here (policy-rc.d forbids it and systemctl refuses in a chroot).
 */
export function provisionStep(c: MountConfig): Step<DiskState & MountedState, object> {
  return {
    name: 'provision',
    run: async (ctx, { session, diskFile }) => {
      const wrap = (command: string) =>
        render(c.commandWrapper, { data: { Command: command }, buildName: ctx.buildName, buildType: ctx.buildType, where: `${c.env.file}: ${c.env.path}.command_wrapper` });
      const transfers = new ImageTransfers(session.image, (text) => ctx.log.warn(text));
      const comm = new ChrootCommunicator(session.sandbox, { log: ctx.log, transfers, wrap: c.commandWrapper === '{{.Command}}' ? undefined : wrap });
      await ctx.provision(comm, { MountPath: session.root, Device: diskFile, ServiceMode: 'enable-only' });
      return {};
    },
  };
}
