import { cinder } from '../../cloud/openstack/index.js';
import { BakeError, errorText, throwIfAborted } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { waitUntil } from '../../core/wait.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState, SourceState, VolumeState } from './state.js';

const DELETABLE = new Set(['available', 'error', 'error_restoring', 'error_extending', 'error_managing']);

/** With use_blockstorage_volume: a Cinder volume made from the source image, which the server boots from. */
export function stepVolume(config: ResolvedOpenstack): Step<AuthState & SourceState, VolumeState> {
  let created: string | undefined;
  return {
    name: 'volume',
    run: async (ctx, { session, journalDetails, region, sourceImageId, flavorDisk }) => {
      if (!config.volume) return {};
      const size = config.volume.size ?? flavorDisk;
      if (!size) throw new BakeError(`${config.where}.volume_size: required (the flavor has no disk size to default to)`);
      ctx.log.say(`Creating a ${size} GiB volume from image ${sourceImageId}...`);
      const id = await cinder.createVolume(
        session,
        {
          name: config.volume.name ?? (config.image.name || `bake-${ctx.buildId}`),
          size,
          imageRef: sourceImageId,
          ...(config.volume.type ? { volume_type: config.volume.type } : {}),
          ...(config.volume.availabilityZone ? { availability_zone: config.volume.availabilityZone } : {}),
          metadata: { 'bake:build-id': ctx.buildId },
        },
        ctx.cleanupSignal(60_000),
      );
      created = id;
      ctx.journal.created({ type: 'openstack:volume', id, region, details: journalDetails });
      throwIfAborted(ctx.signal);
      await waitUntil(
        async () => {
          const v = await cinder.getVolume(session, id, ctx.signal);
          if (!v) throw new BakeError(`openstack: volume ${id} disappeared while being created`);
          if (v.status === 'error') throw new BakeError(`openstack: volume ${id} went into error while being created from image ${sourceImageId}`);
          return v.status === 'available' ? true : undefined;
        },
        { what: `volume ${id} to be available`, maxWaitMs: config.timeouts.serverMs, signal: ctx.signal, minDelayMs: 200 },
      );
      return { volumeId: id };
    },
    cleanup: async (ctx, { session, region }) => {
      if (!created) return;
      const id = created;
      ctx.log.say(`Deleting volume ${id}...`);
      const signal = ctx.cleanupSignal(config.timeouts.deleteMs + 60_000);
      try {
        // Cinder refuses to delete a volume still being created or detached from the deleted server.
        await waitUntil(
          async () => {
            const v = await cinder.getVolume(session, id, signal);
            return !v || DELETABLE.has(v.status) ? true : undefined;
          },
          { what: `volume ${id} to be deletable`, maxWaitMs: config.timeouts.deleteMs, signal, minDelayMs: 200 },
        );
        await cinder.deleteVolume(session, id, signal);
      } catch (err) {
        throw new BakeError(`${errorText(err)}; remove it with: openstack volume delete ${id}`);
      }
      ctx.journal.removed({ type: 'openstack:volume', id, region });
      created = undefined;
    },
  };
}
