import type { PostProcessorPlugin } from '../../plugins/types.js';
import { ChecksumPostProcessor } from './post-processor.js';
import { type ChecksumConfig, checksumSchema } from './schema.js';

export const plugin: PostProcessorPlugin<ChecksumConfig> = {
  kind: 'post-processor',
  type: 'checksum',
  description: 'Writes checksum files (md5, sha1, sha224, sha256, sha384, sha512) of the artifact\'s files.',
  schema: checksumSchema,
  create: (config, env) =>
    new ChecksumPostProcessor({
      where: `${env.file}: ${env.path}`,
      types: [...new Set(config.checksum_types ?? ['md5'])],
      output: config.output ?? 'packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum',
    }),
};
