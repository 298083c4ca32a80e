import type * as Ec2 from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { BakeError, errorText, isAbort } from '../../core/errors.js';
import { sleep } from '../../core/wait.js';
import { awsCode, isNotFound } from './errors.js';
import { send, sendAll } from './send.js';

/** What DescribeImages says of an AMI; null when it does not exist. */
interface ImageView {
  state?: string;
  snapshots: string[];
}

/** The EBS snapshots behind an AMI; null when the AMI does not exist. */
export async function imageSnapshots(client: EC2Client, id: string, signal: AbortSignal, attempts?: number): Promise<ImageView | null> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
  try {
    const out = await send<Ec2.DescribeImagesCommandOutput>(client, new DescribeImagesCommand({ ImageIds: [id] }), { what: `describe AMI ${id}`, signal, retryNotFound: true, attempts });
    const image = out.Images?.[0];
    // A deregistered AMI stays describable for a while on some EC2s (moto answers an empty list).
    if (!image || image.State === 'deregistered') return null;
    return { state: image.State, snapshots: (image.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [])) };
  } catch (err) {
    if (isNotFound((err as { cause?: unknown }).cause)) return null;
    throw err;
  }
}

/**
 * The snapshots EC2 made for an AMI, found by the description it gives them: CreateImage's
 * "Created by CreateImage(i-…) for ami-… …", CopyImage's "Copied for DestinationAmi ami-… …" (moto:
 * "Auto-created snapshot for AMI ami-…"). Used when the AMI itself cannot be read (DescribeImages
 * failing) or is still pending (its snapshots may not be in its block device mappings yet). Not by
 * bake's build-id tag: bake tags snapshots only once the AMI is available, so the snapshots of an AMI
 * whose wait failed carry no tag. The patterns name the AMI as the one the snapshot was made for, so
 * the snapshots of a copy made *from* it are not matched.
 */
export async function snapshotsMadeFor(client: EC2Client, id: string, signal: AbortSignal): Promise<string[]> {
  const { DescribeSnapshotsCommand } = await import('@aws-sdk/client-ec2');
  const patterns = [`Created by CreateImage(*) for ${id}`, `Created by CreateImage(*) for ${id} *`, `Copied for DestinationAmi ${id} *`, `Auto-created snapshot for AMI ${id}`];
  const snaps = await sendAll<Ec2.DescribeSnapshotsCommandOutput, Ec2.Snapshot>(
    client,
    (NextToken) => new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'description', Values: patterns }], NextToken }),
    (p) => p.Snapshots,
    { what: `find the snapshots of AMI ${id}`, signal },
  );
  return snaps.flatMap((s) => (s.SnapshotId ? [s.SnapshotId] : []));
}

/** Errors of a snapshot EC2 still counts as part of an AMI being deregistered (or still being made). */
const BUSY = new Set(['InvalidSnapshot.InUse', 'IncorrectState']);

export async function deleteSnapshot(client: EC2Client, id: string, signal: AbortSignal): Promise<void> {
  const { DeleteSnapshotCommand } = await import('@aws-sdk/client-ec2');
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      await send(client, new DeleteSnapshotCommand({ SnapshotId: id }), { what: `delete snapshot ${id}`, signal, retryNotFound: true });
      return;
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (isNotFound(cause)) return;
      if (!BUSY.has(awsCode(cause) ?? '') || attempt >= 8) throw err;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

export interface DeregisterOptions {
  /** false: keep the snapshots (force_deregister without force_delete_snapshot). */
  deleteSnapshots?: boolean;
  /** Snapshots already known to be the AMI's (from the wait's last look at it). */
  knownSnapshots?: string[];
  /** Tries of the DescribeImages that looks for snapshot ids (cleanup keeps it short: it has a fallback). */
  describeAttempts?: number;
}

/**
 * Deregisters an AMI and deletes its snapshots; returns the snapshot ids deleted. Works without
 * DescribeImages: when it keeps failing, the AMI is deregistered anyway (EC2 deregisters pending
 * AMIs too) and its snapshots come from what the caller saw and from their descriptions.
 */
export async function deregisterImage(client: EC2Client, id: string, signal: AbortSignal, options: DeregisterOptions = {}): Promise<string[]> {
  const { DeregisterImageCommand } = await import('@aws-sdk/client-ec2');
  const deleteSnapshots = options.deleteSnapshots ?? true;
  const known = options.knownSnapshots ?? [];
  let view: ImageView | null | undefined;
  let unreadable: unknown;
  try {
    view = await imageSnapshots(client, id, signal, options.describeAttempts);
  } catch (err) {
    if (isAbort(err)) throw err;
    unreadable = err;
  }
  if (view !== null) {
    try {
      await send(client, new DeregisterImageCommand({ ImageId: id }), { what: `deregister AMI ${id}`, signal, retryNotFound: true });
    } catch (err) {
      // A retry after a lost answer meets the AMI already deregistered: InvalidAMIID.Unavailable.
      const code = awsCode((err as { cause?: unknown }).cause) ?? '';
      if (!isNotFound((err as { cause?: unknown }).cause) && code !== 'InvalidAMIID.Unavailable') throw err;
    }
  }
  if (!deleteSnapshots) return [];
  const snapshots = new Set([...known, ...(view?.snapshots ?? [])]);
  if (view === undefined || view?.state === 'pending') {
    try {
      for (const s of await snapshotsMadeFor(client, id, signal)) snapshots.add(s);
    } catch (err) {
      if (isAbort(err)) throw err;
      if (snapshots.size === 0) {
        const why = unreadable ? `${errorText(unreadable)}; ${errorText(err)}` : errorText(err);
        throw new BakeError(`AMI ${id} deregistered, but its snapshots could not be found (${why}); delete the snapshots whose description names ${id}`);
      }
    }
  }
  const failed: string[] = [];
  for (const snap of snapshots) {
    await deleteSnapshot(client, snap, signal).catch((err) => {
      if (isAbort(err)) throw err;
      failed.push(`${snap} (${errorText(err)})`);
    });
  }
  if (failed.length) throw new BakeError(`AMI ${id} deregistered but its snapshots ${failed.join(', ')} could not be deleted`);
  return [...snapshots];
}
