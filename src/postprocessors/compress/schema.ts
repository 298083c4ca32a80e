import type { FromSchema } from 'json-schema-to-ts';
import { str } from '../../plugins/schema-helpers.js';

export const compressSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    output: str(
      'Archive to write; {{.BuildName}} and {{.BuilderType}} are filled in, and the extension picks the format: .tar, .tar.gz/.tgz, .gz, .tar.zst, .zst, .tar.xz, .xz, .tar.lz4, .lz4, .zip.',
      'packer_{{.BuildName}}_{{.BuilderType}}.tar.gz',
    ),
    format: str('Format to use instead of the one the extension of `output` implies, e.g. "tar.gz" or "zst".'),
    compression_level: {
      type: 'integer',
      minimum: 0,
      maximum: 19,
      default: 6,
      description: 'Compression level: 0-9 for gzip, xz and zip, 1-19 for zstd, 1-12 for lz4; higher is smaller and slower.',
    },
  },
} as const;

export type CompressConfig = FromSchema<typeof compressSchema>;
