import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { AwsAccess } from '../cloud/aws/index.js';
import { loopbackGuard } from '../cloud/aws/loopback-guard.js';

/** Auto Scaling's own endpoint setting, then the SDK-wide one; EC2's endpoint does not serve Auto Scaling. */
export function asgEndpointFor(access: AwsAccess & { asgEndpoint?: string }): string | undefined {
  return access.asgEndpoint || process.env.AWS_ENDPOINT_URL_AUTO_SCALING || process.env.AWS_ENDPOINT_URL || undefined;
}

/**
 * Auto Scaling clients, one per region, made the way cloud/aws makes EC2 clients (same credentials
 * chain, adaptive retries, loopback guard), so one aws-sdk-client-mock covers every call in tests.
 */
export class AsgClients {
  private readonly clients = new Map<string, Promise<AutoScalingClient>>();

  constructor(readonly access: AwsAccess & { asgEndpoint?: string }) {}

  get(region: string = this.access.region): Promise<AutoScalingClient> {
    let client = this.clients.get(region);
    if (!client) {
      client = this.make(region);
      this.clients.set(region, client);
    }
    return client;
  }

  private async make(region: string): Promise<AutoScalingClient> {
    const { AutoScalingClient } = await import('@aws-sdk/client-auto-scaling');
    const a = this.access;
    const credentials =
      a.accessKey && a.secretKey ? { accessKeyId: a.accessKey, secretAccessKey: a.secretKey, sessionToken: a.sessionToken || undefined } : undefined;
    const endpoint = asgEndpointFor(a);
    const client = new AutoScalingClient({
      region,
      ...(credentials ? { credentials } : {}),
      ...(a.profile ? { profile: a.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
      maxAttempts: (a.maxRetries ?? 9) + 1,
      retryMode: 'adaptive',
    });
    if (process.env.BAKE_AWS_LOOPBACK_ONLY === '1') client.middlewareStack.add(loopbackGuard as never, { step: 'finalizeRequest', name: 'bakeLoopbackGuard' });
    return client;
  }

  async destroy(): Promise<void> {
    for (const c of this.clients.values()) (await c.catch(() => undefined))?.destroy();
    this.clients.clear();
  }
}
