import type { BuilderPlugin } from '../../plugins/types.js';
import { AmazonEbsBuilder } from './builder.js';
import { resolveAmazonEbs } from './resolve.js';
import { amazonEbsSchema, type AmazonEbsConfig } from './schema.js';
import { amazonEbsUnsupported } from './unsupported.js';

export const plugin: BuilderPlugin<AmazonEbsConfig> = {
  kind: 'builder',
  type: 'amazon-ebs',
  description: 'Bakes an EBS-backed AMI: launches an EC2 instance, provisions it over SSH, images it and copies it to other regions.',
  schema: amazonEbsSchema,
  unsupported: amazonEbsUnsupported,
  sensitive: ['secret_key', 'token', 'ssh_password', 'ssh_bastion_password'],
  create(config, env) {
    return new AmazonEbsBuilder(resolveAmazonEbs(config, env));
  },
};
