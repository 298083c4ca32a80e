import type { FromSchema } from 'json-schema-to-ts';
import { bool, str, stringList } from '../../plugins/schema-helpers.js';

const settings = {
  output: str(
    'Box to write; {{ .BuildName }}, {{ .Provider }} ("libvirt"), {{ .Architecture }} and {{ .ArtifactId }} are filled in.',
    'packer_{{ .BuildName }}_{{ .Provider }}_{{ .Architecture }}.box',
  ),
  compression_level: {
    type: 'integer',
    minimum: 0,
    maximum: 9,
    default: 6,
    description: 'gzip level of the box: 0 (none) to 9 (smallest).',
  },
  include: stringList('Files copied into the box beside the disk, each under its base name.'),
  vagrantfile_template: str('Vagrantfile whose contents (Go-template actions filled in as for `output`) follow the provider\'s own lines in the box\'s Vagrantfile.'),
  vagrantfile_template_content: str('The contents to use instead of reading `vagrantfile_template` (which must still be set, as in Packer).'),
  vagrantfile_template_generated: bool('`vagrantfile_template` is written by an earlier step of the build, so it need not exist when the template is checked.', false),
  provider_override: { type: 'string', enum: ['libvirt'], description: 'The box\'s provider; bake makes libvirt boxes (from qemu builds) only.' },
  architecture: str('The box\'s architecture in metadata.json and {{ .Architecture }}; defaults to this host\'s (amd64, arm64), as in Packer.'),
} as const;

export const vagrantSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...settings,
    override: {
      type: 'object',
      description: 'Settings per provider, e.g. { libvirt = { compression_level = 1 } }; only the libvirt ones apply.',
      properties: { libvirt: { type: 'object', additionalProperties: false, properties: settings } },
    },
  },
} as const;

export type VagrantConfig = FromSchema<typeof vagrantSchema>;
