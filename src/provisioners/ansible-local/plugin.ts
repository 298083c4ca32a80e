import type { ProvisionerPlugin } from '../../plugins/types.js';
import { AnsibleLocalProvisioner } from './provisioner.js';
import { type AnsibleLocalConfig, ansibleLocalSchema, ansibleLocalUnsupported } from './schema.js';

export const plugin: ProvisionerPlugin<AnsibleLocalConfig> = {
  kind: 'provisioner',
  type: 'ansible-local',
  description: 'Uploads an Ansible playbook to the machine and runs it there (ansible must be installed on the machine).',
  schema: ansibleLocalSchema,
  unsupported: ansibleLocalUnsupported,
  create: (config) => new AnsibleLocalProvisioner(config),
};
