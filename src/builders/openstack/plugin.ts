import type { BuilderPlugin } from '../../plugins/types.js';
import { resolveOpenstack } from './resolve.js';
import { accessSensitive } from './schema-access.js';
import { openstackSchema, type OpenstackConfig } from './schema.js';
import { openstackUnsupported } from './unsupported.js';

export const plugin: BuilderPlugin<OpenstackConfig> = {
  kind: 'builder',
  type: 'openstack',
  description: 'Boots a server on OpenStack (Keystone v3, Nova, Glance, Neutron, Cinder), provisions it and saves it as a Glance image.',
  schema: openstackSchema,
  unsupported: openstackUnsupported,
  sensitive: [...accessSensitive, 'ssh_password', 'ssh_bastion_password'],
  create: (config, env) => {
    const resolved = resolveOpenstack(config, env);
    // The REST client (and its YAML reader) is loaded only when a build runs, so `bake validate` stays fast.
    const builder = async () => new (await import('./builder.js')).OpenstackBuilder(resolved);
    return {
      skipsUnchanged: true,
      run: async (ctx) => (await builder()).run(ctx),
      unchanged: async (ctx) => (await builder()).unchanged(ctx),
    };
  },
};
