import type { FromSchema } from 'json-schema-to-ts';
import { bool, oneOfStrings, str, stringList } from '../../plugins/schema-helpers.js';

export const fileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['destination'],
  properties: {
    source: str('File or directory to copy; local paths are relative to the working directory. A directory with a trailing slash copies its contents, without one the directory itself.'),
    sources: stringList('Several files or directories to copy into `destination`, which must then end with "/".'),
    content: str('Text to write to `destination` instead of copying a file (a destination ending in "/" gets a file named pkr-file-content).'),
    destination: str('Where to copy to; a path ending in "/" is a directory the source goes into.'),
    direction: oneOfStrings(['upload', 'download'] as const, '"upload" copies from this machine to the one being built, "download" the other way.', 'upload'),
    generated: bool('The source is made during the build (e.g. by shell-local), so it is checked only when the provisioner runs.', false),
  },
} as const;

export type FileConfig = FromSchema<typeof fileSchema>;
