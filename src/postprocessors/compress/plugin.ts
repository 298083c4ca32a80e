import type { PostProcessorPlugin } from '../../plugins/types.js';
import { detectFormat } from './formats.js';
import { CompressPostProcessor } from './post-processor.js';
import { type CompressConfig, compressSchema } from './schema.js';

export const plugin: PostProcessorPlugin<CompressConfig> = {
  kind: 'post-processor',
  type: 'compress',
  description: 'Packs the artifact\'s files into one compressed archive (.tar.gz, .tar.zst, .gz, .zst, .tar.xz, .zip, ...).',
  schema: compressSchema,
  create: (config, env) => {
    const where = `${env.file}: ${env.path}`;
    const output = config.output ?? 'packer_{{.BuildName}}_{{.BuilderType}}.tar.gz';
    const level = config.compression_level ?? 6;
    return new CompressPostProcessor({ where, output, level, format: detectFormat(output, config.format, level, where) });
  },
};
