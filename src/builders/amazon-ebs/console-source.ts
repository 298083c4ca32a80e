import type { EC2Client, GetConsoleOutputCommandOutput } from '@aws-sdk/client-ec2';
import { type AwsAccess, awsCode, endpointFor, isLoopbackHost, send } from '../../cloud/aws/index.js';
import type { ConsoleSource } from '../../communicator/index.js';
import type { Logger } from '../../core/events.js';

/** What an endpoint answers when it does not take Latest (instance types before Nitro, older emulators). */
const LATEST_REFUSED = new Set(['UnsupportedOperation', 'InvalidParameter', 'InvalidParameterValue', 'InvalidParameterCombination', 'UnknownParameter']);

/**
 * The instance's console through GetConsoleOutput. Latest asks for the live output (Nitro) rather
 * than the copy EC2 refreshes every few minutes; an endpoint that refuses it is asked the plain way
 * from then on, which every implementation answers.
 */
export function ec2Console(ec2: EC2Client, instanceId: string, access: AwsAccess, log: Logger): ConsoleSource {
  let latest = true;
  const emulator = emulatorAt(endpointFor(access));
  return {
    what: `the console of ${instanceId}`,
    ...(emulator ? { emulator } : {}),
    async read(signal) {
      const { GetConsoleOutputCommand } = await import('@aws-sdk/client-ec2');
      const what = `amazon-ebs: read the console of ${instanceId}`;
      let out: GetConsoleOutputCommandOutput;
      try {
        out = await send(ec2, new GetConsoleOutputCommand({ InstanceId: instanceId, ...(latest ? { Latest: true } : {}) }), { what, signal });
      } catch (err) {
        if (!latest || !LATEST_REFUSED.has(awsCode((err as Error).cause) ?? '')) throw err;
        latest = false;
        log.debug(`${what}: the endpoint refused Latest (${awsCode((err as Error).cause)}); reading the buffered output instead`);
        out = await send(ec2, new GetConsoleOutputCommand({ InstanceId: instanceId }), { what, signal });
      }
      return out.Output ? Buffer.from(out.Output, 'base64').toString('utf8') : undefined;
    },
  };
}

/** EC2 itself is never on loopback: an endpoint there is an emulator (moto, LocalStack). */
function emulatorAt(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    return isLoopbackHost(new URL(endpoint).hostname) ? `an EC2 emulator at ${endpoint}` : undefined;
  } catch {
    return undefined;
  }
}
