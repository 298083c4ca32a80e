import type { FromSchema } from 'json-schema-to-ts';
import { int, str } from '../../plugins/schema-helpers.js';
import type { AwsAccess } from './client.js';

/**
 * Packer's AccessConfig as every AWS plugin of bake takes it (the amazon-ebs builder and the
 * amazon-* data sources): region, credentials, assume_role, endpoint and retries.
 */
export const awsAccessProperties = {
  region: str('AWS region, e.g. "us-east-1".'),
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
  max_retries: int('Retries of a failed or throttled API call (SDK adaptive retry mode).', 9),
} as const;

const accessSchema = { type: 'object', properties: awsAccessProperties } as const;
export type AwsAccessConfig = FromSchema<typeof accessSchema>;

/** The access options of a validated config as the client factory takes them; `abs` resolves file paths. */
export function awsAccessFrom(c: AwsAccessConfig, region: string, abs: (p: string) => string): AwsAccess {
  return {
    region,
    accessKey: c.access_key,
    secretKey: c.secret_key,
    sessionToken: c.token,
    profile: c.profile,
    assumeRole: c.assume_role && {
      roleArn: c.assume_role.role_arn,
      sessionName: c.assume_role.session_name,
      externalId: c.assume_role.external_id,
      durationSeconds: c.assume_role.duration_seconds,
    },
    endpoint: c.custom_endpoint_ec2,
    maxRetries: c.max_retries,
    sharedCredentialsFile: c.shared_credentials_file ? abs(c.shared_credentials_file) : undefined,
  };
}
