import type { PostProcessorPlugin } from '../../plugins/types.js';
import { ManifestPostProcessor } from './post-processor.js';
import { type ManifestConfig, manifestSchema } from './schema.js';

export const plugin: PostProcessorPlugin<ManifestConfig> = {
  kind: 'post-processor',
  type: 'manifest',
  description: 'Appends the build\'s artifact (id, files, sizes, builder, time) to a JSON manifest, in Packer\'s format.',
  schema: manifestSchema,
  create: (config) =>
    new ManifestPostProcessor({
      output: config.output ?? 'packer-manifest.json',
      stripPath: config.strip_path ?? false,
      stripTime: config.strip_time ?? false,
      ...(config.custom_data ? { customData: config.custom_data } : {}),
    }),
};
