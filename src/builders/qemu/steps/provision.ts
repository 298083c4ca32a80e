import { NoCommunicator } from '../../../communicator/index.js';
import type { Step } from '../../../core/steps.js';
import type { ConnectedState, VmState } from '../state.js';

/** Runs the template's provisioners over the connection (Packer's template variables Host/Port/User included). */
export function provisionStep(username: string): Step<VmState & ConnectedState, object> {
  return {
    name: 'provision',
    run: async (ctx, { comm, sshPort }) => {
      await ctx.provision(comm ?? new NoCommunicator('qemu builder: "communicator" is "none", so provisioners cannot reach the guest; use shell-local or set communicator to "ssh"'), { Host: '127.0.0.1', Port: String(sshPort), User: username, SSHHostPort: String(sshPort) });
      return {};
    },
  };
}
