import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsAccess, RegionalClients } from './client.js';

// Each service's own endpoint setting, then the SDK-wide one: custom_endpoint_ec2 serves EC2 only.

/** SSM clients (the amazon-parameterstore data source), one per region, from the same factory as EC2's. */
export class SsmClients extends RegionalClients<SSMClient> {
  constructor(access: AwsAccess) {
    super(access, async (config) => new (await import('@aws-sdk/client-ssm')).SSMClient(config), () => process.env.AWS_ENDPOINT_URL_SSM || process.env.AWS_ENDPOINT_URL || undefined, 'ssm');
  }
}

/** Secrets Manager clients (the amazon-secretsmanager data source), one per region. */
export class SecretsManagerClients extends RegionalClients<SecretsManagerClient> {
  constructor(access: AwsAccess) {
    super(
      access,
      async (config) => new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient(config),
      () => process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER || process.env.AWS_ENDPOINT_URL || undefined,
      'secretsmanager',
    );
  }
}
