import type { EC2Client, Image } from '@aws-sdk/client-ec2';
import { BakeError } from '../../core/errors.js';
import { sendAll } from './send.js';

/** An AMI by id, or the images DescribeImages filters and owners select (Packer's source_ami_filter and amazon-ami data source). */
export type ImageQuery =
  | { imageId: string }
  | { filters: Record<string, string>; owners: string[]; mostRecent: boolean; includeDeprecated: boolean };

export function describeImage(i: Image): string {
  return `${i.ImageId} "${i.Name ?? ''}" (${i.CreationDate ?? 'no date'})`;
}

/**
 * The one image a query selects in the client's region: the newest with mostRecent, else the only
 * match. Errors start with `subject` ("t.json: builders[0].source_ami_filter") and say what to change.
 */
export async function findImage(client: EC2Client, query: ImageQuery, { subject, region, what, signal }: { subject: string; region: string; what: string; signal: AbortSignal }): Promise<Image> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
  const input =
    'imageId' in query
      ? { ImageIds: [query.imageId] }
      : {
          Owners: query.owners,
          Filters: Object.entries(query.filters).map(([Name, value]) => ({ Name, Values: [value] })),
          IncludeDeprecated: query.includeDeprecated || undefined,
        };
  const found = await sendAll<{ Images?: Image[]; NextToken?: string }, Image>(client, (NextToken) => new DescribeImagesCommand({ ...input, NextToken }), (p) => p.Images, { what, signal });
  const images = found.sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
  if ('imageId' in query) {
    if (images.length === 0) throw new BakeError(`${subject}: ${query.imageId} not found in ${region}`);
    return images[0]!;
  }
  if (images.length === 0) throw new BakeError(`${subject}: no AMI in ${region} matches ${JSON.stringify(query.filters)} owned by ${query.owners.join(', ')}`);
  if (images.length > 1 && !query.mostRecent) {
    const shown = images.slice(0, 5).map(describeImage).join('; ');
    const more = images.length > 5 ? `; and ${images.length - 5} more` : '';
    throw new BakeError(`${subject}: ${images.length} AMIs match, set "most_recent": true or narrow the filters: ${shown}${more}`);
  }
  return images[0]!;
}
