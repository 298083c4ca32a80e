import { NoCommunicator, connectSsh, sshCommandLine, type SshOptions } from '../../communicator/index.js';
import type { Communicator } from '../../communicator/types.js';
import type { Step } from '../../core/steps.js';

/** Connects to the existing host, or hands provisioners no connection with `communicator: none`. */
export function connectStep(ssh: SshOptions | undefined): Step<object, { comm: Communicator }> {
  let opened: Communicator | undefined;
  return {
    name: 'connect',
    run: async (ctx) => {
      opened = ssh ? await connectSsh(ssh, { log: ctx.log, signal: ctx.signal }) : new NoCommunicator('null builder: "communicator" is "none", so there is no machine to reach; use shell-local, or set ssh_host');
      return { comm: opened };
    },
    cleanup: async () => {
      await opened?.close();
    },
    // The machine was there before the build and stays; only bake's connection to it goes.
    keep: async () => {
      await opened?.close();
      return ssh ? [`The machine: ${sshCommandLine(ssh)}`] : [];
    },
  };
}

export function provisionStep(ssh: SshOptions | undefined): Step<{ comm: Communicator }, object> {
  return {
    name: 'provision',
    run: async (ctx, { comm }) => {
      // What Packer's build template function exposes as Host/Port/User, for shell-local and friends.
      const vars: Record<string, string> = ssh ? { Host: ssh.host, Port: String(ssh.port), User: ssh.username } : {};
      await ctx.provision(comm, vars);
      return {};
    },
  };
}
