import type { BuilderPlugin } from '../../plugins/types.js';
import { AmazonChrootBuilder } from './builder.js';
import { resolveAmazonChroot } from './resolve.js';
import { type AmazonChrootConfig, amazonChrootSchema } from './schema.js';
import { amazonChrootUnsupported } from './unsupported.js';

export const plugin: BuilderPlugin<AmazonChrootConfig> = {
  kind: 'builder',
  type: 'amazon-chroot',
  description: 'Bakes an AMI without launching an instance: runs on an EC2 instance, attaches a volume made from the source AMI, provisions it in a sandboxed chroot, snapshots it and registers the AMI (needs root).',
  schema: amazonChrootSchema,
  unsupported: amazonChrootUnsupported,
  sensitive: ['secret_key', 'token'],
  // Rendered by the builder with its own data ({{.Command}}, {{.Device}}, {{.MountPath}}).
  deferred: ['command_wrapper', 'pre_mount_commands', 'post_mount_commands', 'mount_path'],
  create(config, env) {
    return new AmazonChrootBuilder(resolveAmazonChroot(config, env));
  },
};
