import { resolveSshConfig, sshUnsupported } from '../../communicator/index.js';
import type { BuilderPlugin } from '../../plugins/types.js';
import { NullBuilder } from './builder.js';
import { type NullConfig, nullSchema } from './schema.js';

export const plugin: BuilderPlugin<NullConfig> = {
  kind: 'builder',
  type: 'null',
  description: 'Connects to an existing machine over SSH and provisions it; produces no image.',
  schema: nullSchema,
  unsupported: sshUnsupported,
  sensitive: ['ssh_password', 'ssh_bastion_password'],
  create: (config, env) => new NullBuilder(config.communicator === 'none' ? undefined : resolveSshConfig(config, { hostKey: { check: 'known_hosts', fallback: 'tofu' } }, env)),
};
