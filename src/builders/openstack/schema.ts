import type { FromSchema } from 'json-schema-to-ts';
import { sshConfigProperties } from '../../communicator/ssh-config.js';
import { accessProperties } from './schema-access.js';
import { imageProperties } from './schema-image.js';
import { runProperties } from './schema-run.js';

export const openstackSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flavor'],
  properties: {
    type: { type: 'string', const: 'openstack', description: 'Builder type.' },
    name: { type: 'string', description: 'Build name (default "openstack").' },
    ...accessProperties,
    ...runProperties,
    ...imageProperties,
    ...sshConfigProperties,
  },
} as const;

export type OpenstackConfig = FromSchema<typeof openstackSchema>;
