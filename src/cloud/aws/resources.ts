import type { EC2Client } from '@aws-sdk/client-ec2';
import { sleep } from '../../core/wait.js';
import { awsCode, isNotFound } from './errors.js';
import { send } from './send.js';
import { waitTerminated, type WaitContext } from './waits.js';

/**
 * Removal of instances, security groups and key pairs (AMIs: remove-image.ts); a resource already
 * gone counts as removed, after a few tries: right after its creation EC2 may not show it yet.
 */

async function gone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!isNotFound((err as { cause?: unknown }).cause)) throw err;
  }
}

/** Terminates and waits until terminated. A not-found is retried first: right after launch it means "not visible yet". */
export async function terminateInstance(client: EC2Client, id: string, ctx: WaitContext): Promise<void> {
  const { TerminateInstancesCommand } = await import('@aws-sdk/client-ec2');
  await gone(() =>
    send(client, new TerminateInstancesCommand({ InstanceIds: [id] }), { what: `terminate instance ${id}`, signal: ctx.signal, retryNotFound: true }),
  );
  await waitTerminated(client, id, ctx);
}

/** A group stays "in use" for a while after its instance terminated: DependencyViolation is retried. */
export async function deleteSecurityGroup(client: EC2Client, id: string, signal: AbortSignal): Promise<void> {
  const { DeleteSecurityGroupCommand } = await import('@aws-sdk/client-ec2');
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      await gone(() => send(client, new DeleteSecurityGroupCommand({ GroupId: id }), { what: `delete security group ${id}`, signal, retryNotFound: true }));
      return;
    } catch (err) {
      if (awsCode((err as { cause?: unknown }).cause) !== 'DependencyViolation' || attempt >= 10) throw err;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

export async function deleteKeyPair(client: EC2Client, name: string, signal: AbortSignal): Promise<void> {
  const { DeleteKeyPairCommand } = await import('@aws-sdk/client-ec2');
  await gone(() => send(client, new DeleteKeyPairCommand({ KeyName: name }), { what: `delete key pair ${name}`, signal, retryNotFound: true }));
}
