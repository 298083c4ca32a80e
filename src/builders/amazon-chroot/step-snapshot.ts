import type { EC2Client, Snapshot } from '@aws-sdk/client-ec2';
import { BakeError, errorText } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { sleep, waitUntil } from '../../core/wait.js';
import { accessDetails, awsRemoveCommand, BUILD_ID_TAG, deleteSnapshot, isTransient, send, sendAll, tagSpecifications } from '../../cloud/aws/index.js';
import { type ImageState, type Init, resourceTags, waitCtx } from '../amazon-ebs/index.js';
import type { ResolvedAmazonChroot } from './resolved.js';
import type { SnapshotState, VolumeState } from './state.js';

/** This build's snapshot of the volume, found by the volume and the build's tag (CreateSnapshot has no idempotency token). */
async function findOwnSnapshot(client: EC2Client, volumeId: string, buildId: string, signal: AbortSignal): Promise<string | undefined> {
  const { DescribeSnapshotsCommand } = await import('@aws-sdk/client-ec2');
  const found = await sendAll<{ Snapshots?: Snapshot[]; NextToken?: string }, Snapshot>(
    client,
    (NextToken) => new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'volume-id', Values: [volumeId] }, { Name: `tag:${BUILD_ID_TAG}`, Values: [buildId] }], NextToken }),
    (p) => p.Snapshots,
    { what: `amazon-chroot: find the snapshot of ${volumeId}`, signal },
  );
  return found[0]?.SnapshotId;
}

/**
 * Snapshots the detached volume and waits until the snapshot is complete. The snapshot belongs to
 * this step until the AMI is registered on it; a failed build deletes it.
 */
export function snapshotStep(cfg: ResolvedAmazonChroot): Step<Init & VolumeState, SnapshotState> {
  let snapshotId: string | undefined;
  let attempted = false;
  return {
    name: 'snapshot',
    async run(ctx, { clients, volumeId }) {
      const { CreateSnapshotCommand, DescribeSnapshotsCommand } = await import('@aws-sdk/client-ec2');
      const client = await clients.get();
      ctx.log.say(`Snapshotting volume ${volumeId}`);
      attempted = true;
      const input = { VolumeId: volumeId, Description: `bake amazon-chroot build ${ctx.buildId}`, TagSpecifications: tagSpecifications(['snapshot'], resourceTags(ctx, cfg)) };
      for (let attempt = 1; !snapshotId; attempt++) {
        try {
          snapshotId = (await send<{ SnapshotId?: string }>(client, new CreateSnapshotCommand(input), { what: `amazon-chroot: snapshot volume ${volumeId}`, signal: ctx.signal, creates: true, attempts: 1 })).SnapshotId!;
        } catch (err) {
          // The answer may have been lost after the snapshot was made: look for it before trying again.
          if (!isTransient((err as { cause?: unknown }).cause) || attempt >= 5) throw err;
          snapshotId = await findOwnSnapshot(client, volumeId, ctx.buildId, ctx.signal);
          if (!snapshotId) await sleep(500 * attempt, ctx.signal);
        }
      }
      ctx.journal.created({ type: 'aws:snapshot', id: snapshotId, region: cfg.region, details: accessDetails(cfg.access) });
      ctx.log.info(`Snapshot: ${snapshotId}`);
      const id = snapshotId;
      await waitUntil(
        async () => {
          const out = await send<{ Snapshots?: Snapshot[] }>(client, new DescribeSnapshotsCommand({ SnapshotIds: [id] }), { what: `describe snapshot ${id}`, signal: ctx.signal, retryNotFound: true });
          const s = out.Snapshots?.[0];
          if (s?.State === 'error') throw new BakeError(`amazon-chroot: snapshot ${id} failed: ${s.StateMessage ?? 'no reason given'}`);
          return s?.State === 'completed' ? s : undefined;
        },
        { what: `snapshot ${id} to be completed`, signal: ctx.signal, ...waitCtx(ctx, cfg, 'image').polling },
      );
      return { snapshotId: id };
    },
    async cleanup(ctx, state) {
      const { clients, outcome, volumeId } = state;
      const client = await clients.get();
      if (attempted && !snapshotId && !outcome.succeeded) snapshotId = await findOwnSnapshot(client, volumeId, ctx.buildId, ctx.cleanupSignal()).catch(() => undefined);
      if (!snapshotId) return;
      const id = snapshotId;
      snapshotId = undefined;
      // On success the snapshot is the AMI's: handed over, no longer the build's to remove.
      const inImage = ((state as Partial<ImageState>).snapshots?.[cfg.region] ?? []).includes(id);
      if (outcome.succeeded && inImage) return ctx.journal.removed({ type: 'aws:snapshot', id, region: cfg.region });
      if (outcome.succeeded) ctx.log.info(`The AMI does not use snapshot ${id} (the endpoint made a snapshot of its own, as moto does): deleting it`);
      else ctx.log.say(`Deleting snapshot ${id}`);
      try {
        await deleteSnapshot(client, id, ctx.cleanupSignal());
      } catch (err) {
        throw new Error(`snapshot ${id} left behind (${errorText(err)}); \`bake cleanup\` tries again, or remove it with: ${awsRemoveCommand('aws:snapshot', id, cfg.region)}`);
      }
      ctx.journal.removed({ type: 'aws:snapshot', id, region: cfg.region });
    },
  };
}
