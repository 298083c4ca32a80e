import type { FromSchema } from 'json-schema-to-ts';
import { sshConfigProperties } from '../../communicator/index.js';

export const nullSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...sshConfigProperties },
} as const;

export type NullConfig = FromSchema<typeof nullSchema>;
