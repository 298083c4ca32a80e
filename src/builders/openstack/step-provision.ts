import { NoCommunicator, connectSsh, removeAuthorizedKey, resolveSshConfig } from '../../communicator/index.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AddressState, KeyPairState, ServerState } from './state.js';

/**
 * Connects over SSH and runs the template's provisioners. With communicator "none" the
 * provisioners still run, as in Packer, with a communicator that refuses remote work.
 */
export function stepProvision(config: ResolvedOpenstack): Step<AddressState & KeyPairState & ServerState, object> {
  return {
    name: 'provision',
    run: async (ctx, { sshHost, privateKey, publicKey, serverId }) => {
      if (config.communicator === 'none') {
        await ctx.provision(new NoCommunicator('openstack builder: "communicator" is "none", so provisioners cannot reach the server; use shell-local or set communicator to "ssh"'), { Host: sshHost, ID: serverId });
        return {};
      }
      const options = resolveSshConfig(config.ssh, { host: sshHost, ...(privateKey ? { privateKey } : {}) }, config.env);
      const comm = await connectSsh(options, { log: ctx.log, signal: ctx.signal });
      try {
        await ctx.provision(comm, { Host: options.host, Port: String(options.port), User: options.username, ID: serverId });
        if (config.ssh.ssh_clear_authorized_keys && publicKey) {
          ctx.log.say('Removing the temporary key from authorized_keys...');
          await removeAuthorizedKey(comm, publicKey);
        }
      } finally {
        await comm.close();
      }
      return {};
    },
  };
}
