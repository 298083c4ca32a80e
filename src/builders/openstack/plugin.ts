import type { BuilderPlugin } from '../../plugins/types.js';
import { OpenstackBuilder } from './builder.js';
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
  create: (config, env) => new OpenstackBuilder(resolveOpenstack(config, env)),
};
