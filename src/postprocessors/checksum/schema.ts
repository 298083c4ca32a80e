import type { FromSchema } from 'json-schema-to-ts';
import { str } from '../../plugins/schema-helpers.js';

export const CHECKSUM_TYPES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

export const checksumSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    checksum_types: {
      type: 'array',
      items: { type: 'string', enum: CHECKSUM_TYPES },
      minItems: 1,
      default: ['md5'],
      description: 'Hashes to compute: md5, sha1, sha224, sha256, sha384, sha512. Each file is read once for all of them.',
    },
    output: str(
      'Checksum file per type; {{.BuildName}}, {{.BuilderType}} and {{.ChecksumType}} are filled in. Lines are "<hash>\\t<file name>".',
      'packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum',
    ),
  },
} as const;

export type ChecksumConfig = FromSchema<typeof checksumSchema>;
export type ChecksumType = (typeof CHECKSUM_TYPES)[number];
