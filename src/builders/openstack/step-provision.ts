import { connectSsh, removeAuthorizedKey, resolveSshConfig } from '../../communicator/index.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AddressState, KeyPairState } from './state.js';

/** Connects over SSH and runs the template's provisioners; communicator "none" skips both, as the other builders do. */
export function stepProvision(config: ResolvedOpenstack): Step<AddressState & KeyPairState, object> {
  return {
    name: 'provision',
    run: async (ctx, { sshHost, privateKey, publicKey }) => {
      if (config.communicator === 'none') return {};
      const options = resolveSshConfig(config.ssh, { host: sshHost, ...(privateKey ? { privateKey } : {}) }, config.env);
      const comm = await connectSsh(options, { log: ctx.log, signal: ctx.signal });
      try {
        await ctx.provision(comm, { Host: options.host, Port: String(options.port), User: options.username });
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

