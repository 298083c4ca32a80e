import type { EC2Client } from '@aws-sdk/client-ec2';
import { BakeError } from '../../core/errors.js';
import { sleep } from '../../core/wait.js';
import { awsCode, isNotFound } from './errors.js';
import { send } from './send.js';
import { waitTerminated, type WaitContext } from './waits.js';

/**
 * Removal of each kind of resource bake creates; a resource already gone counts as removed, after a
 * few tries: right after its creation EC2 may not show it yet.
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

export async function deleteSnapshot(client: EC2Client, id: string, signal: AbortSignal): Promise<void> {
  const { DeleteSnapshotCommand } = await import('@aws-sdk/client-ec2');
  await gone(() => send(client, new DeleteSnapshotCommand({ SnapshotId: id }), { what: `delete snapshot ${id}`, signal, retryNotFound: true }));
}

/** The EBS snapshots behind an AMI; null when the AMI does not exist. */
export async function imageSnapshots(client: EC2Client, id: string, signal: AbortSignal): Promise<string[] | null> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
  try {
    const out = await send<{ Images?: { BlockDeviceMappings?: { Ebs?: { SnapshotId?: string } }[] }[] }>(
      client,
      new DescribeImagesCommand({ ImageIds: [id] }),
      { what: `describe AMI ${id}`, signal, retryNotFound: true },
    );
    return (out.Images?.[0]?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
  } catch (err) {
    if (isNotFound((err as { cause?: unknown }).cause)) return null;
    throw err;
  }
}

/**
 * Deregisters an AMI and deletes its snapshots; returns the snapshot ids deleted. Not-found is
 * retried first, since the AMI may have been created a moment ago.
 */
export async function deregisterImage(client: EC2Client, id: string, signal: AbortSignal, deleteSnapshots = true): Promise<string[]> {
  const { DeregisterImageCommand } = await import('@aws-sdk/client-ec2');
  const found = await imageSnapshots(client, id, signal);
  if (found === null) return [];
  const snapshots = deleteSnapshots ? found : [];
  await gone(() => send(client, new DeregisterImageCommand({ ImageId: id }), { what: `deregister AMI ${id}`, signal, retryNotFound: true }));
  const failed: string[] = [];
  for (const snap of snapshots) {
    await deleteSnapshot(client, snap, signal).catch(() => failed.push(snap));
  }
  if (failed.length) {
    throw new BakeError(`AMI ${id} deregistered but its snapshots ${failed.join(', ')} could not be deleted; run \`bake cleanup\``);
  }
  return snapshots;
}
