import type { ProvisionerPlugin } from '../../plugins/types.js';
import { ShellProvisioner } from './provisioner.js';
import { resolveShell } from './resolve.js';
import { type ShellConfig, shellSchema } from './schema.js';

export const plugin: ProvisionerPlugin<ShellConfig> = {
  kind: 'provisioner',
  type: 'shell',
  description: 'Uploads shell scripts (or inline commands) to the machine and runs them.',
  schema: shellSchema,
  create: (config, env) => new ShellProvisioner(resolveShell(config, env)),
};
