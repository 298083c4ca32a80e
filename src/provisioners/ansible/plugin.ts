import type { ProvisionerPlugin } from '../../plugins/types.js';
import { AnsibleProvisioner } from './provisioner.js';
import { resolveAnsible } from './resolve.js';
import { type AnsibleConfig, ansibleSchema, ansibleUnsupported } from './schema.js';

export const plugin: ProvisionerPlugin<AnsibleConfig> = {
  kind: 'provisioner',
  type: 'ansible',
  description: 'Runs an Ansible playbook from this machine against the machine being built, over SSH.',
  schema: ansibleSchema,
  unsupported: ansibleUnsupported,
  deferred: ['inventory_file_template'],
  create: (config, env) => new AnsibleProvisioner(resolveAnsible(config, env)),
};
