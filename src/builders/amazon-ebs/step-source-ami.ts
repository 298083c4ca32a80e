import type { Image } from '@aws-sdk/client-ec2';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { fromTags, sendAll } from '../../cloud/aws/index.js';
import type { AmiBuildConfig } from './resolved.js';
import type { Init, SourceState } from './state.js';

function describeMatch(i: Image): string {
  return `${i.ImageId} "${i.Name ?? ''}" (${i.CreationDate ?? 'no date'})`;
}

/** Finds the source AMI: source_ami as given, or the one image source_ami_filter selects. */
export function sourceAmiStep(cfg: AmiBuildConfig): Step<Init, SourceState> {
  return {
    name: 'source-ami',
    async run(ctx, { clients }) {
      const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
      const client = await clients.get();
      const f = cfg.sourceAmiFilter;
      const input = cfg.sourceAmi
        ? { ImageIds: [cfg.sourceAmi] }
        : {
            Owners: f!.owners,
            Filters: Object.entries(f!.filters).map(([Name, value]) => ({ Name, Values: [value] })),
            IncludeDeprecated: f!.includeDeprecated || undefined,
          };
      const found = await sendAll<{ Images?: Image[]; NextToken?: string }, Image>(client, (NextToken) => new DescribeImagesCommand({ ...input, NextToken }), (p) => p.Images, {
        what: `amazon-ebs: find source AMI in ${cfg.region}`,
        signal: ctx.signal,
      });
      const images = found.sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
      if (images.length === 0) {
        throw new BakeError(
          cfg.sourceAmi
            ? `${cfg.where}.source_ami: ${cfg.sourceAmi} not found in ${cfg.region}`
            : `${cfg.where}.source_ami_filter: no AMI in ${cfg.region} matches ${JSON.stringify(f!.filters)} owned by ${f!.owners.join(', ')}`,
        );
      }
      if (images.length > 1 && !f?.mostRecent) {
        const shown = images.slice(0, 5).map(describeMatch).join('; ');
        const more = images.length > 5 ? `; and ${images.length - 5} more` : '';
        throw new BakeError(`${cfg.where}.source_ami_filter: ${images.length} AMIs match, set "most_recent": true or narrow the filters: ${shown}${more}`);
      }
      const image = images[0];
      ctx.log.say(`Found source AMI ${describeMatch(image)}`);
      return { source: { id: image.ImageId!, name: image.Name ?? '', tags: fromTags(image.Tags), image } };
    },
  };
}
