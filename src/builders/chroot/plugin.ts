import type { BuilderPlugin } from '../../plugins/types.js';
import { ChrootBuilder } from './builder.js';
import { resolveChrootConfig } from './resolve.js';
import { type ChrootConfig, chrootSchema } from './schema.js';
import { chrootUnsupported } from './unsupported.js';

export const plugin: BuilderPlugin<ChrootConfig> = {
  kind: 'builder',
  type: 'chroot',
  description: 'Bakes a local disk image without booting it: mounts its filesystems in a private namespace and provisions it in a chroot (needs root). The fast path on hosts without KVM.',
  schema: chrootSchema,
  unsupported: chrootUnsupported,
  // Rendered by the builder with its own data ({{.Command}}, {{.Device}}, {{.MountPath}}).
  deferred: ['command_wrapper', 'pre_mount_commands', 'post_mount_commands'],
  create(config, env) {
    return new ChrootBuilder(resolveChrootConfig(config, env));
  },
};
