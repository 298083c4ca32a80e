import { cinder, createOnce, glance, isTransientApiError, nova, type Session } from '../../cloud/openstack/index.js';
import { BakeError, errorText, throwIfAborted } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { waitUntil } from '../../core/wait.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState, ImageState, InitState, ServerState, VolumeState } from './state.js';

const FAILED = new Set(['killed', 'deleted', 'deactivated']);

async function findOwnImage(session: Session, name: string, buildId: string, signal: AbortSignal): Promise<string | undefined> {
  return (await glance.listImages(session, { name, 'bake:build-id': buildId }, signal))[0]?.id;
}

async function waitImageActive(session: Session, id: string, config: ResolvedOpenstack, signal: AbortSignal, log: (s: string) => void): Promise<void> {
  let last = '';
  await waitUntil(
    async () => {
      const image = await glance.getImage(session, id, signal);
      if (!image) throw new BakeError(`openstack: image ${id} disappeared while being saved`);
      if (FAILED.has(image.status)) throw new BakeError(`openstack: image ${id} went into status "${image.status}" while being saved`);
      if (image.status !== last) log(`Image ${id} is ${image.status}`);
      last = image.status;
      return image.status === 'active' ? true : undefined;
    },
    // Glance failing for a while (5xx, 429, dropped connections) is waited out until the wait's timeout, then cleanup deletes the image.
    { what: `image ${id} to become active`, maxWaitMs: config.timeouts.imageMs, signal, minDelayMs: 200, maxDelayMs: 10_000, tolerate: isTransientApiError },
  );
}

/**
 * Snapshots the server (Nova createImage) or, when it booted from a volume, uploads the volume to
 * Glance; waits for the image to be active. Until the last step marks it kept, cleanup deletes it.
 */
export function stepCreateImage(config: ResolvedOpenstack): Step<InitState & AuthState & ServerState & VolumeState, ImageState> {
  let made: ImageState['image'];
  /** A snapshot was requested and its answer never came: cleanup looks for it. */
  let attempted = false;
  return {
    name: 'create image',
    run: async (ctx, { session, journalDetails, region, serverId, volumeId, imageProperties }) => {
      if (config.image.skip) {
        ctx.log.say('skip_create_image: not creating an image');
        return {};
      }
      ctx.log.say(`Creating the image: ${config.image.name}`);
      const signal = ctx.cleanupSignal(60_000);
      attempted = !volumeId;
      const id = volumeId
        ? await cinder.uploadToImage(session, volumeId, config.image.name, config.image.diskFormat, signal)
        : await createOnce(
            () => nova.createImage(session, serverId, config.image.name, { ...config.image.metadata, ...imageProperties, ...ctx.imageTags?.(), 'bake:build-id': ctx.buildId }, signal),
            () => findOwnImage(session, config.image.name, ctx.buildId, signal),
            (found) => ctx.log.info(`Image ${found} was created by a request whose answer was lost; using it`),
          );
      attempted = false;
      made = { id, keep: false };
      ctx.journal.created({ type: 'openstack:image', id, region, details: journalDetails });
      throwIfAborted(ctx.signal);
      ctx.log.info(`Image: ${id}`);
      ctx.log.say('Waiting for the image to become active...');
      await waitImageActive(session, id, config, ctx.signal, (s) => ctx.log.info(s));
      return { image: made };
    },
    cleanup: async (ctx, { session, region, journalDetails }) => {
      if (!made && attempted) {
        const found = await findOwnImage(session, config.image.name, ctx.buildId, ctx.cleanupSignal()).catch((err) => {
          throw new BakeError(`${errorText(err)}; an image named ${config.image.name} may be left: \`bake cleanup\` tries again, or find it with: openstack image list --name ${config.image.name}`);
        });
        if (found) {
          made = { id: found, keep: false };
          ctx.journal.created({ type: 'openstack:image', id: found, region, details: journalDetails });
        }
      }
      attempted = false;
      if (!made) return;
      const id = made.id;
      if (made.keep) {
        // The image is the build's product: the journal stops tracking it as a leftover.
        ctx.journal.removed({ type: 'openstack:image', id, region });
        return;
      }
      ctx.log.say(`Deleting the unfinished image ${id}...`);
      try {
        await glance.deleteImage(session, id, ctx.cleanupSignal());
      } catch (err) {
        throw new BakeError(`${errorText(err)}; remove it with: openstack image delete ${id}`);
      }
      ctx.journal.removed({ type: 'openstack:image', id, region });
      made = undefined;
    },
  };
}
