import type { FromSchema } from 'json-schema-to-ts';
import { bool, int, str, stringList, stringMap } from '../../plugins/schema-helpers.js';
import { rolloutAccessProperties } from '../../rollout/access-schema.js';

/** amazon-ami-retention: after a build, deregister old AMIs of the same family. */
export const amazonAmiRetentionSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...rolloutAccessProperties,
    name_prefix: str('Only AMIs whose name starts with this; default (with no tags either): AMIs tagged bake:build=<this build\'s name>.'),
    tags: stringMap('Only AMIs carrying all these tags.'),
    keep_latest: int('The newest AMIs kept per region, whatever their age (at least 1).', 3, 1),
    keep_days: int('AMIs younger than this many days are kept too.', undefined, 0),
    regions: stringList('Regions to prune; default: every region of the artifact.'),
    dry_run: bool('List what would be removed and why each image is kept; remove nothing.', false),
  },
} as const;

export type AmazonAmiRetentionConfig = FromSchema<typeof amazonAmiRetentionSchema>;
