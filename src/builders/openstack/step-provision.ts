import { nova } from '../../cloud/openstack/index.js';
import { CONSOLE_HOST_KEYS, NoCommunicator, connectSsh, removeAuthorizedKey, resolveSshConfig, sshCommandLine, writeKeptKey, type SshOptions } from '../../communicator/index.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AddressState, AuthState, KeyPairState, ServerState } from './state.js';

/**
 * Connects over SSH and runs the template's provisioners. With communicator "none" the
 * provisioners still run, as in Packer, with a communicator that refuses remote work.
 */
export function stepProvision(config: ResolvedOpenstack): Step<AddressState & KeyPairState & ServerState & AuthState, object> {
  let reach: { serverId: string; options: SshOptions } | undefined;
  return {
    name: 'provision',
    run: async (ctx, { session, sshHost, privateKey, publicKey, serverId }) => {
      if (config.communicator === 'none') {
        await ctx.provision(new NoCommunicator('openstack builder: "communicator" is "none", so provisioners cannot reach the server; use shell-local or set communicator to "ssh"'), { Host: sshHost, ID: serverId });
        return {};
      }
      const options = resolveSshConfig(config.ssh, { host: sshHost, ...(privateKey ? { privateKey } : {}), hostKey: CONSOLE_HOST_KEYS }, config.env);
      reach = { serverId, options };
      const console = { what: `the console of server ${serverId}`, read: (signal: AbortSignal) => nova.consoleOutput(session, serverId, signal) };
      const comm = await connectSsh(options, { log: ctx.log, signal: ctx.signal }, { console });
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
    // The server stays (its own step keeps it; the connection closed above); the temporary key goes
    // where the printed ssh command finds it. Also when SSH never came up: that is worth a look too.
    keep: async (ctx) => {
      if (!reach) return [];
      const keyFile = reach.options.privateKey ? writeKeptKey(ctx, reach.options.privateKey) : undefined;
      return [`The server ${reach.serverId}: ${sshCommandLine(reach.options, keyFile)}`];
    },
  };
}
