import type { Step } from '../../core/steps.js';
import { accessDetails, awsCode, clientToken, findOwnImage, findOwnImages, send, tagSpecifications, waitImageAvailable } from '../../cloud/aws/index.js';
import { toMappings } from './block-devices.js';
import { OwnedImages } from './owned-images.js';
import type { ResolvedEbs } from './resolved.js';
import { waitCtx, type ImageState, type Init, type InstanceState, type SourceState } from './state.js';
import type { NameState } from './step-check-ami-name.js';
import { tagSnapshots } from './tag-snapshots.js';
import { resourceTags } from './tagging.js';

/** Makes the AMI from the stopped instance; an encrypted boot volume is a re-encrypting copy of it. */
export function createImageStep(cfg: ResolvedEbs): Step<Init & SourceState & NameState & InstanceState, ImageState> {
  const owned = new OwnedImages(accessDetails(cfg.access));
  return {
    name: 'create-image',
    async run(ctx, state) {
      if (cfg.ami.skipCreate) {
        ctx.log.say('skip_create_ami: no AMI is made');
        return { images: {}, snapshots: {} };
      }
      const ec2 = await import('@aws-sdk/client-ec2');
      const { clients, amiName, amiDescription: description, instanceId } = state;
      const client = await clients.get();
      const tags = tagSpecifications(['image'], resourceTags(ctx, cfg));
      // The encrypted copy takes the real name; EC2 refuses two AMIs of one name in a region.
      const firstName = cfg.ami.encryptBoot ? `bake-unencrypted-${ctx.buildId}` : amiName;
      ctx.log.say(`Creating AMI ${firstName} from instance ${instanceId}`);
      owned.attempt(cfg.region, firstName);
      let id: string;
      try {
        const out = await send<{ ImageId?: string; $metadata?: { attempts?: number } }>(
          client,
          new ec2.CreateImageCommand({ InstanceId: instanceId, Name: firstName, Description: description, BlockDeviceMappings: toMappings(cfg.amiMappings), TagSpecifications: tags }),
          { what: `amazon-ebs: create AMI ${firstName}`, signal: ctx.signal, creates: true, retryNotFound: true },
        );
        id = out.ImageId!;
        // A try whose answer was lost made an AMI too where the emulator lets two AMIs share a name
        // (moto; EC2 refuses the retry with InvalidAMIName.Duplicate, handled below): remove it.
        if ((out.$metadata?.attempts ?? 1) > 1) {
          const earlier = (await findOwnImages(client, firstName, ctx.buildId, ctx.signal)).filter((other) => other !== id);
          for (const other of earlier) {
            owned.add(ctx, cfg.region, other);
            await owned.remove(ctx, clients, cfg.region, other, ctx.signal);
          }
        }
      } catch (err) {
        // CreateImage has no idempotency token: a retry after a lost answer meets the AMI the first
        // try made, found again by its name and this build's tag.
        const found = awsCode((err as { cause?: unknown }).cause) === 'InvalidAMIName.Duplicate' ? await findOwnImage(client, firstName, ctx.buildId, ctx.signal) : undefined;
        if (!found) throw err;
        ctx.log.info(`AMI ${firstName} (${found}) was made by an earlier try whose answer was lost; using it`);
        id = found;
      }
      owned.add(ctx, cfg.region, id);
      ctx.log.info(`AMI: ${id}`);
      let image = await waitImageAvailable(client, id, cfg.region, waitCtx(ctx, cfg, 'image'), owned.seen(cfg.region));
      if (cfg.ami.encryptBoot) {
        ctx.log.say(`Encrypting the boot volume: copying ${id} with encryption`);
        owned.attempt(cfg.region, amiName);
        const copy = await send<{ ImageId?: string }>(
          client,
          new ec2.CopyImageCommand({
            SourceImageId: id,
            SourceRegion: cfg.region,
            Name: amiName,
            Description: description,
            Encrypted: true,
            KmsKeyId: cfg.ami.kmsKeyId ?? cfg.ami.regionKmsKeyIds[cfg.region],
            TagSpecifications: tags,
            ClientToken: clientToken(ctx.buildId, 'encrypt', cfg.region),
          }),
          { what: `amazon-ebs: encrypt AMI ${id}`, signal: ctx.signal, creates: true, retryNotFound: true },
        );
        owned.add(ctx, cfg.region, copy.ImageId!);
        image = await waitImageAvailable(client, copy.ImageId!, cfg.region, waitCtx(ctx, cfg, 'image'), owned.seen(cfg.region));
        await owned.remove(ctx, clients, cfg.region, id, ctx.signal);
        id = copy.ImageId!;
        ctx.log.info(`Encrypted AMI: ${id}`);
      }
      return { images: { [cfg.region]: id }, snapshots: { [cfg.region]: await tagSnapshots(client, ctx, cfg, image, cfg.region) } };
    },
    async cleanup(ctx, { clients, outcome }) {
      await owned.cleanup(ctx, clients, outcome.succeeded);
    },
  };
}
