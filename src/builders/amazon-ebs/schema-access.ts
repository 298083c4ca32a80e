import { awsAccessProperties } from '../../cloud/aws/index.js';
import { bool, int, str } from '../../plugins/schema-helpers.js';

/** Packer's AccessConfig: how to reach AWS, and how waits poll. */
export const accessProperties = {
  ...awsAccessProperties,
  region: str('Region the instance is launched in and the AMI is made in, e.g. "us-east-1".'),
  skip_region_validation: bool('Accept a region bake does not know (new regions, emulators).', false),
  skip_credential_validation: bool('Accepted for compatibility: bake never makes a separate credential check call.', false),
  skip_metadata_api_check: bool('Accepted for compatibility: the SDK chain decides whether to ask the instance metadata service.', false),
  aws_polling: {
    type: 'object',
    description: 'How waits poll: every delay_seconds, at most max_attempts times. Default: 1s first poll backing off to 15s.',
    additionalProperties: false,
    properties: {
      delay_seconds: int('Seconds between polls (no backoff when set).', undefined, 1),
      max_attempts: int('Polls before giving up.', undefined, 1),
    },
  },
} as const;
