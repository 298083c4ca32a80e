import type { Step } from '../../core/steps.js';
import { describeImage, findImage, fromTags } from '../../cloud/aws/index.js';
import type { AmiBuildConfig } from './resolved.js';
import type { Init, SourceState } from './state.js';

/** Finds the source AMI: source_ami as given, or the one image source_ami_filter selects. */
export function sourceAmiStep(cfg: AmiBuildConfig): Step<Init, SourceState> {
  return {
    name: 'source-ami',
    async run(ctx, { clients }) {
      const f = cfg.sourceAmiFilter;
      const image = await findImage(await clients.get(), cfg.sourceAmi ? { imageId: cfg.sourceAmi } : f!, {
        subject: `${cfg.where}.${cfg.sourceAmi ? 'source_ami' : 'source_ami_filter'}`,
        region: cfg.region,
        what: `amazon-ebs: find source AMI in ${cfg.region}`,
        signal: ctx.signal,
      });
      ctx.log.say(`Found source AMI ${describeImage(image)}`);
      return { source: { id: image.ImageId!, name: image.Name ?? '', tags: fromTags(image.Tags), image } };
    },
  };
}
