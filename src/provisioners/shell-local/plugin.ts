import type { ProvisionerPlugin } from '../../plugins/types.js';
import { ShellLocalProvisioner } from './provisioner.js';
import { resolveShellLocal } from './resolve.js';
import { type ShellLocalConfig, shellLocalSchema, shellLocalUnsupported } from './schema.js';

export const plugin: ProvisionerPlugin<ShellLocalConfig> = {
  kind: 'provisioner',
  type: 'shell-local',
  description: 'Runs commands or scripts on the machine bake runs on.',
  schema: shellLocalSchema,
  unsupported: shellLocalUnsupported,
  create: (config, env) => new ShellLocalProvisioner(resolveShellLocal(config, env)),
};
