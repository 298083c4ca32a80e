import { BakeError, errorText, isAbort } from '../../core/errors.js';
import { span } from '../../core/spans.js';
import type { Step } from '../../core/steps.js';
import { accessDetails, clientToken, send, tagSpecifications, waitImageAvailable } from '../../cloud/aws/index.js';
import { OwnedImages } from './owned-images.js';
import type { AmiBuildConfig } from './resolved.js';
import { waitCtx, type ImageState, type Init } from './state.js';
import type { NameState } from './step-check-ami-name.js';
import { tagSnapshots } from './tag-snapshots.js';
import { resourceTags } from './tagging.js';

/**
 * Copies the AMI to every ami_regions region at once and waits for all copies. The copies belong
 * to this step: if one region or a later step fails, every copy made is deregistered.
 */
export function copyImagesStep(cfg: AmiBuildConfig): Step<Init & NameState & ImageState, ImageState> {
  const owned = new OwnedImages(accessDetails(cfg.access));
  return {
    name: 'copy-images',
    async run(ctx, state) {
      const sourceId = state.images[cfg.region];
      if (!sourceId || cfg.ami.regions.length === 0) return { images: state.images, snapshots: state.snapshots };
      const { CopyImageCommand } = await import('@aws-sdk/client-ec2');
      const tags = tagSpecifications(['image'], resourceTags(ctx, cfg));
      let done = 0;
      const total = cfg.ami.regions.length;
      ctx.log.say(`Copying AMI ${sourceId} to ${cfg.ami.regions.join(', ')}`);
      const results = await Promise.allSettled(
        cfg.ami.regions.map((region) => span(ctx.log, 'copy', `AMI to ${region}`, async () => {
          const client = await state.clients.get(region);
          const kms = cfg.ami.regionKmsKeyIds[region];
          // moto ignores the token: a copy whose answer was lost and whose retries all failed is found by name and tag.
          owned.attempt(region, state.amiName);
          const out = await send<{ ImageId?: string }>(
            client,
            new CopyImageCommand({
              SourceImageId: sourceId,
              SourceRegion: cfg.region,
              Name: state.amiName,
              Description: state.amiDescription,
              Encrypted: cfg.ami.encryptBoot || kms !== undefined || undefined,
              KmsKeyId: kms,
              TagSpecifications: tags,
              // Kept across every retry: a copy whose answer was lost is answered again, not made twice.
              ClientToken: clientToken(ctx.buildId, 'copy', region),
            }),
            { what: `amazon-ebs: copy AMI ${sourceId} to ${region}`, signal: ctx.signal, creates: true, retryNotFound: true },
          );
          owned.add(ctx, region, out.ImageId!);
          const image = await waitImageAvailable(client, out.ImageId!, region, { ...waitCtx(ctx, cfg, 'image'), log: undefined }, owned.seen(region));
          const snapshots = await tagSnapshots(client, ctx, cfg, image, region);
          done++;
          ctx.log.progress(`AMI copied to ${region}: ${out.ImageId}`, { label: 'copy', current: done, total, unit: 'items', done: done === total });
          return { region, id: out.ImageId!, snapshots };
        })),
      );
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ region: cfg.ami.regions[i], err: r.reason }] : []));
      if (failed.length) {
        const abort = failed.find((f) => isAbort(f.err));
        if (abort) throw abort.err;
        throw new BakeError(`amazon-ebs: copying the AMI failed in ${failed.map((f) => `${f.region} (${errorText(f.err)})`).join(', ')}`);
      }
      const copies = results.map((r) => (r as PromiseFulfilledResult<{ region: string; id: string; snapshots: string[] }>).value);
      return {
        images: { ...state.images, ...Object.fromEntries(copies.map((c) => [c.region, c.id])) },
        snapshots: { ...state.snapshots, ...Object.fromEntries(copies.map((c) => [c.region, c.snapshots])) },
      };
    },
    async cleanup(ctx, { clients, outcome }) {
      await owned.cleanup(ctx, clients, outcome.succeeded);
    },
  };
}
