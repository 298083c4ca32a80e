import { connectionReset, type FaultKind } from '../faults.js';
import { ec2Error } from './model.js';

/** The NotFound code EC2 answers for the resource a command names. */
function notFoundCode(command: string): string {
  if (/Instance/.test(command) || command === 'CreateImage') return 'InvalidInstanceID.NotFound';
  if (/Image/.test(command)) return 'InvalidAMIID.NotFound';
  if (/Snapshot/.test(command)) return 'InvalidSnapshot.NotFound';
  if (/SecurityGroup/.test(command)) return 'InvalidGroup.NotFound';
  if (/KeyPair/.test(command)) return 'InvalidKeyPair.NotFound';
  if (/LaunchTemplate/.test(command)) return 'InvalidLaunchTemplateId.NotFound';
  return 'InvalidID.NotFound';
}

/** An injected fault as the SDK would raise it for an EC2 (or Auto Scaling) call. */
export function injected(kind: FaultKind, command: string, service: 'ec2' | 'autoscaling' = 'ec2'): Error {
  switch (kind) {
    case 'throttle':
      return service === 'ec2' ? ec2Error('RequestLimitExceeded', 'Request limit exceeded.') : Object.assign(ec2Error('Throttling', 'Rate exceeded'), { $metadata: { httpStatusCode: 400 } });
    case 'server':
      return Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError', Code: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    case 'outage':
      return Object.assign(new Error('The service is unavailable. Please try again shortly.'), { name: 'Unavailable', Code: 'Unavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } });
    case 'reset':
    case 'lost':
      return connectionReset();
    case 'not-found':
      return ec2Error(notFoundCode(command), `The ID named by ${command} does not exist`);
  }
}
