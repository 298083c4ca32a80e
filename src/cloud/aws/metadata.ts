import { BakeError } from '../../core/errors.js';

/** Where the build host runs, as its instance metadata tells. */
export interface HostInstance {
  instanceId: string;
  availabilityZone: string;
  region: string;
}

/** Answers longer than this are not metadata: refused, so a wrong endpoint cannot fill memory. */
const MAX_ANSWER = 4096;

function checked(path: string, value: string, pattern: RegExp): string {
  const v = value.trim();
  if (v.length > MAX_ANSWER || !pattern.test(v)) {
    const shown = v.length > 80 ? `${v.slice(0, 80)}…` : v;
    throw new BakeError(`instance metadata ${path}: expected ${pattern.source}, the metadata service answered "${shown}"`);
  }
  return v;
}

/**
 * Asks the instance metadata service (IMDSv2, through the SDK's own client) which instance bake runs
 * on. The SDK reads AWS_EC2_METADATA_SERVICE_ENDPOINT, which is how tests point it at loopback.
 */
export async function hostInstance(signal: AbortSignal): Promise<HostInstance> {
  const { MetadataService } = await import('@aws-sdk/ec2-metadata-service');
  const imds = new MetadataService({ httpOptions: { timeout: 2000 }, retries: 2, ec2MetadataV1Disabled: true });
  const get = async (path: string) => {
    signal.throwIfAborted();
    try {
      // The SDK joins the endpoint URL's path ("/") and this one: no leading slash, or it asks for "//latest/…".
      return await imds.request(`latest/meta-data/${path}`, {});
    } catch (err) {
      const endpoint = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? 'http://169.254.169.254';
      throw new BakeError(
        `amazon-chroot: cannot read ${path} from the instance metadata service at ${endpoint} (${(err as Error).message}); the amazon-chroot builder runs only on an EC2 instance with metadata enabled`,
      );
    }
  };
  const instanceId = checked('instance-id', await get('instance-id'), /^i-[0-9a-f]+$/);
  const availabilityZone = checked('placement/availability-zone', await get('placement/availability-zone'), /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/);
  const region = checked('placement/region', await get('placement/region'), /^[a-z]{2}(-[a-z]+)+-\d$/);
  return { instanceId, availabilityZone, region };
}
