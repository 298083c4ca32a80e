import type { EC2Client } from '@aws-sdk/client-ec2';
import { callCounter } from './count-calls.js';
import { loopbackGuard } from './loopback-guard.js';

/** How to reach AWS, resolved from a template's access options (Packer's names in comments). */
export interface AwsAccess {
  /** `region`. */
  region: string;
  /** `access_key` / `secret_key` / `token`: static keys; otherwise the SDK's standard chain. */
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  /** `profile`: a profile of the shared config/credentials files (SSO and role profiles included). */
  profile?: string;
  /** `shared_credentials_file`: read keys from this file instead of ~/.aws/credentials. */
  sharedCredentialsFile?: string;
  /** `assume_role`: a role assumed with the credentials above. */
  assumeRole?: { roleArn: string; sessionName?: string; externalId?: string; durationSeconds?: number };
  /** `custom_endpoint_ec2`, else AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL: one endpoint serving every region. */
  endpoint?: string;
  /** `max_retries`: attempts after the first, with the SDK's adaptive (client-side rate limited) mode. */
  maxRetries?: number;
}

/** What `bake cleanup` needs to reach a resource again (never credentials): for journal entries. */
export function accessDetails(access: AwsAccess): Record<string, string> | undefined {
  const details: Record<string, string> = {};
  if (access.endpoint) details.endpoint = access.endpoint;
  if (access.profile) details.profile = access.profile;
  return Object.keys(details).length ? details : undefined;
}

export function endpointFor(access: AwsAccess): string | undefined {
  // Read explicitly: one SDK release ignored AWS_ENDPOINT_URL and sent emulator traffic to AWS.
  return access.endpoint || process.env.AWS_ENDPOINT_URL_EC2 || process.env.AWS_ENDPOINT_URL || undefined;
}

async function credentialsFor(access: AwsAccess, region: string) {
  const { fromIni, fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const base =
    access.accessKey && access.secretKey
      ? { accessKeyId: access.accessKey, secretAccessKey: access.secretKey, sessionToken: access.sessionToken || undefined }
      : access.sharedCredentialsFile
        ? fromIni({ filepath: access.sharedCredentialsFile, ...(access.profile ? { profile: access.profile } : {}) })
        : undefined;
  if (!access.assumeRole) return base;
  const role = access.assumeRole;
  return fromTemporaryCredentials({
    ...(base ? { masterCredentials: base } : {}),
    params: {
      RoleArn: role.roleArn,
      RoleSessionName: role.sessionName || 'bake',
      ExternalId: role.externalId,
      DurationSeconds: role.durationSeconds,
    },
    clientConfig: { region, ...(access.profile ? { profile: access.profile } : {}) },
  });
}

/** What every SDK v3 client the factory makes has in common. */
interface SdkClient {
  middlewareStack: { add: (middleware: never, options: never) => void };
  destroy(): void;
}

/** The configuration the factory hands each client constructor. */
export interface SdkClientConfig {
  region: string;
  credentials?: Awaited<ReturnType<typeof credentialsFor>>;
  profile?: string;
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
}

/**
 * The one place AWS clients are made, one per region and service: the same credentials chain
 * (static keys, shared files, profiles, assume_role), endpoint, adaptive retries for every
 * service. Tests intercept every `send` with aws-sdk-client-mock; with BAKE_AWS_LOOPBACK_ONLY=1
 * any request to a non-loopback host fails before it leaves the process.
 */
export class RegionalClients<C extends SdkClient> {
  private readonly clients = new Map<string, Promise<C>>();

  constructor(
    readonly access: AwsAccess,
    private readonly construct: (config: SdkClientConfig) => Promise<C>,
    private readonly endpoint: () => string | undefined = () => endpointFor(access),
    /** For API-call counts: "ec2", "autoscaling". */
    private readonly service = 'ec2',
  ) {}

  get(region: string = this.access.region): Promise<C> {
    let client = this.clients.get(region);
    if (!client) {
      client = this.make(region);
      this.clients.set(region, client);
    }
    return client;
  }

  private async make(region: string): Promise<C> {
    // The SDK's Node-version nag is addressed to whoever picks bake's dependencies, not to its users.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const credentials = await credentialsFor(this.access, region);
    const endpoint = this.endpoint();
    const client = await this.construct({
      region,
      ...(credentials ? { credentials } : {}),
      ...(this.access.profile ? { profile: this.access.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
      maxAttempts: (this.access.maxRetries ?? 9) + 1,
      retryMode: 'adaptive',
    });
    client.middlewareStack.add(callCounter(this.service) as never, { step: 'initialize', name: 'bakeCallCounter' } as never);
    if (process.env.BAKE_AWS_LOOPBACK_ONLY === '1') client.middlewareStack.add(loopbackGuard as never, { step: 'finalizeRequest', name: 'bakeLoopbackGuard' } as never);
    return client;
  }

  async destroy(): Promise<void> {
    for (const c of this.clients.values()) (await c.catch(() => undefined))?.destroy();
    this.clients.clear();
  }
}

/** EC2 clients, one per region. */
export class Ec2Clients extends RegionalClients<EC2Client> {
  constructor(access: AwsAccess) {
    super(access, async (config) => new (await import('@aws-sdk/client-ec2')).EC2Client(config));
  }
}
