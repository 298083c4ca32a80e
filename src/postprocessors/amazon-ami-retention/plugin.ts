import type { PostProcessorPlugin } from '../../plugins/types.js';
import { ROLLOUT_SENSITIVE } from '../../rollout/index.js';
import { AmazonAmiRetentionPostProcessor } from './post-processor.js';
import { type AmazonAmiRetentionConfig, amazonAmiRetentionSchema } from './schema.js';

export const plugin: PostProcessorPlugin<AmazonAmiRetentionConfig> = {
  kind: 'post-processor',
  type: 'amazon-ami-retention',
  description: 'Deregisters old AMIs of the build\'s family (and their snapshots), keeping the newest and every AMI still in use.',
  schema: amazonAmiRetentionSchema,
  sensitive: ROLLOUT_SENSITIVE,
  create: (config, env) => new AmazonAmiRetentionPostProcessor(config, `${env.file}: ${env.path}`),
};
