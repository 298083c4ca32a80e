import type { FromSchema } from 'json-schema-to-ts';
import { bool, str, stringMap } from '../../plugins/schema-helpers.js';

export const manifestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    output: str('Manifest file; each build of each run is appended to its "builds". Packer\'s default name, so scripts reading it keep working.', 'packer-manifest.json'),
    strip_path: bool('Record file names without their directories.', false),
    strip_time: bool('Leave out build_time, so the manifest only changes when the artifacts do.', false),
    custom_data: stringMap('Free-form values copied into each build\'s "custom_data".'),
  },
} as const;

export type ManifestConfig = FromSchema<typeof manifestSchema>;
