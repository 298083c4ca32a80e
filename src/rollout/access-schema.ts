import type { AwsAccess } from '../cloud/aws/index.js';
import { int, str } from '../plugins/schema-helpers.js';

/** How the rollout post-processors reach AWS; the same names as amazon-ebs, so a variable block serves both. */
export const rolloutAccessProperties = {
  access_key: str('Access key id; default: the SDK credential chain (env, shared files, SSO, container/instance role).'),
  secret_key: str('Secret access key, with access_key.'),
  token: str('Session token for temporary access_key/secret_key.'),
  profile: str('Profile of the shared config/credentials files.'),
  custom_endpoint_ec2: str('EC2 endpoint URL (an emulator or a VPC endpoint); AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL also work.'),
  custom_endpoint_autoscaling: str('Auto Scaling endpoint URL; AWS_ENDPOINT_URL_AUTO_SCALING / AWS_ENDPOINT_URL also work.'),
  max_retries: int('Retries of a failed or throttled API call (SDK adaptive retry mode).', 9),
} as const;

export const ROLLOUT_SENSITIVE = ['secret_key', 'token'];

export interface AccessInput {
  access_key?: string;
  secret_key?: string;
  token?: string;
  profile?: string;
  custom_endpoint_ec2?: string;
  custom_endpoint_autoscaling?: string;
  max_retries?: number;
}

export function resolveAccess(c: AccessInput, region: string): AwsAccess & { asgEndpoint?: string } {
  return {
    region,
    accessKey: c.access_key || undefined,
    secretKey: c.secret_key || undefined,
    sessionToken: c.token || undefined,
    profile: c.profile || undefined,
    endpoint: c.custom_endpoint_ec2 || undefined,
    asgEndpoint: c.custom_endpoint_autoscaling || undefined,
    maxRetries: c.max_retries,
  };
}
