import type { PostProcessorPlugin } from '../../plugins/types.js';
import { ROLLOUT_SENSITIVE } from '../../rollout/access-schema.js';
import { AmazonAsgPostProcessor } from './post-processor.js';
import { resolveAmazonAsg } from './resolve.js';
import { type AmazonAsgConfig, amazonAsgSchema } from './schema.js';

export const plugin: PostProcessorPlugin<AmazonAsgConfig> = {
  kind: 'post-processor',
  type: 'amazon-asg',
  description: 'Swaps the built AMI into Auto Scaling groups (launch template version or launch configuration) and refreshes their instances, rolling back on failure.',
  schema: amazonAsgSchema,
  sensitive: ROLLOUT_SENSITIVE,
  create: (config, env) => new AmazonAsgPostProcessor(resolveAmazonAsg(config, env)),
};
