import { resolveSshConfig } from '../../communicator/index.js';
import type { BuilderPlugin } from '../../plugins/types.js';
import { QemuBuilder } from './builder.js';
import { resolveQemuConfig } from './resolve.js';
import { type QemuConfig, qemuSchema } from './schema.js';
import { qemuUnsupported } from './unsupported.js';

export const plugin: BuilderPlugin<QemuConfig> = {
  kind: 'builder',
  type: 'qemu',
  description: 'Bakes a local VM image with QEMU: boots a cloud image (bake\'s Debian 12 base by default) or installs from an ISO (boot_command, http_directory), provisions it over SSH, writes qcow2 or raw.',
  schema: qemuSchema,
  unsupported: qemuUnsupported,
  sensitive: ['ssh_password', 'ssh_bastion_password'],
  create(config, env) {
    const resolved = resolveQemuConfig(config, env);
    if (resolved.communicator === 'ssh') {
      // Surfaces bad ssh_* options when the template is read, not after the VM booted.
      resolveSshConfig(config, { host: '127.0.0.1', port: 22, username: resolved.sshUsername, privateKey: 'temporary', hostKey: resolved.hostKeyCapabilities }, env);
    }
    return new QemuBuilder(resolved);
  },
};
