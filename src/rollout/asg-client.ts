import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { type AwsAccess, RegionalClients } from '../cloud/aws/index.js';

/** Auto Scaling's own endpoint setting, then the SDK-wide one; EC2's endpoint does not serve Auto Scaling. */
export function asgEndpointFor(access: AwsAccess & { asgEndpoint?: string }): string | undefined {
  return access.asgEndpoint || process.env.AWS_ENDPOINT_URL_AUTO_SCALING || process.env.AWS_ENDPOINT_URL || undefined;
}

/** Auto Scaling clients, one per region, from the same factory as EC2's. */
export class AsgClients extends RegionalClients<AutoScalingClient> {
  constructor(access: AwsAccess & { asgEndpoint?: string }) {
    super(access, async (config) => new (await import('@aws-sdk/client-auto-scaling')).AutoScalingClient(config), () => asgEndpointFor(access), 'autoscaling');
  }
}
