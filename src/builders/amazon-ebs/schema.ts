import type { FromSchema } from 'json-schema-to-ts';
import { sshConfigProperties } from '../../communicator/ssh-config.js';
import { accessProperties } from './schema-access.js';
import { amiProperties } from './schema-ami.js';
import { runProperties } from './schema-run.js';

/** The amazon-ebs builder's options, with Packer's names. */
export const amazonEbsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['region', 'ami_name'],
  properties: {
    ...sshConfigProperties,
    ...accessProperties,
    ...runProperties,
    ...amiProperties,
  },
} as const;

export type AmazonEbsConfig = FromSchema<typeof amazonEbsSchema>;
