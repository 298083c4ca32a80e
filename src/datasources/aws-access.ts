import { isAbsolute, resolve as resolvePath } from 'node:path';
import { type AwsAccess, type AwsAccessConfig, awsAccessFrom, awsAccessProperties } from '../cloud/aws/index.js';
import { BakeError } from '../core/errors.js';
import type { DataSourceContext } from './types.js';

const inert = (type: string, why: string) => ({ type, description: `Accepted; changes nothing here: ${why}.` });
const refused = (why: string) => ({ not: {}, errorMessage: `not supported by bake: ${why}` });

/**
 * Packer's AccessConfig as its amazon-* data sources take it: what the amazon-ebs builder
 * implements, the rest inert (a data source makes no waits) or refused with the reason.
 */
export const dataSourceAccessProperties = {
  ...awsAccessProperties,
  region: { type: 'string', description: 'AWS region; default AWS_REGION or AWS_DEFAULT_REGION.' },
  skip_credential_validation: inert('boolean', 'bake never makes a separate credential check call'),
  skip_metadata_api_check: inert('boolean', 'the SDK chain decides whether to ask the instance metadata service'),
  decode_authorization_messages: inert('boolean', 'authorization messages are shown as AWS returns them'),
  aws_polling: inert('object', 'a data source makes one call and waits for nothing'),
  insecure_skip_tls_verify: { const: false, errorMessage: 'not supported by bake: TLS verification cannot be turned off' },
  mfa_code: refused('MFA codes; use a profile with cached SSO credentials'),
  vault_aws_engine: refused('Vault credentials; use a profile or assume_role'),
} as const;

/** The region and credentials a data source block gives, as the client factory takes them. */
export function dataSourceAccess(type: string, config: Record<string, unknown>, ctx: DataSourceContext): AwsAccess {
  const region = (config.region as string | undefined) || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) throw new BakeError(`${type}: region: required (or set AWS_REGION)`);
  return awsAccessFrom(config as AwsAccessConfig, region, (p) => (isAbsolute(p) ? p : resolvePath(ctx.templateDir, p)));
}
