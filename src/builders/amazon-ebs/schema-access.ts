import { bool, int, str } from '../../plugins/schema-helpers.js';

/** Packer's AccessConfig: how to reach AWS. */
export const accessProperties = {
  region: str('Region the instance is launched in and the AMI is made in, e.g. "us-east-1".'),
  access_key: str('Access key id; default: the SDK credential chain (env, shared files, SSO, container/instance role).'),
  secret_key: str('Secret access key, with access_key.'),
  token: str('Session token for temporary access_key/secret_key.'),
  profile: str('Profile of the shared config/credentials files (SSO and role profiles included).'),
  shared_credentials_file: str('Path of a shared credentials file to read the keys (of `profile`) from, instead of ~/.aws/credentials.'),
  assume_role: {
    type: 'object',
    description: 'Assume this role with the credentials above before doing anything.',
    additionalProperties: false,
    required: ['role_arn'],
    properties: {
      role_arn: str('ARN of the role to assume.'),
      session_name: str('Role session name.', 'bake'),
      external_id: str('External id the role trust policy requires.'),
      duration_seconds: int('Session duration in seconds.', undefined, 900),
    },
  },
  custom_endpoint_ec2: str('EC2 endpoint URL for every region (an emulator or a VPC endpoint); AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL also work.'),
  skip_region_validation: bool('Accept a region bake does not know (new regions, emulators).', false),
  skip_credential_validation: bool('Accepted for compatibility: bake never makes a separate credential check call.', false),
  skip_metadata_api_check: bool('Accepted for compatibility: the SDK chain decides whether to ask the instance metadata service.', false),
  max_retries: int('Retries of a failed or throttled API call (SDK adaptive retry mode).', 9),
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
