import { Ec2Clients, findImage, fromTags } from '../cloud/aws/index.js';
import { dataSourceAccess, dataSourceAccessProperties } from './aws-access.js';
import type { DataSourcePlugin } from './types.js';

/**
 * Packer's `amazon-ami` data source: the AMI DescribeImages filters and owners select, found by
 * the same code (and so with the same rules and messages) as amazon-ebs's source_ami_filter.
 */
export const amazonAmiDataSource: DataSourcePlugin = {
  type: 'amazon-ami',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['filters', 'owners'],
    properties: {
      ...dataSourceAccessProperties,
      filters: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1, description: 'DescribeImages filters, e.g. { name = "ubuntu/images/*", virtualization-type = "hvm" }.' },
      owners: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Account ids or aliases ("self", "amazon") the AMI must belong to; required, as in Packer.' },
      most_recent: { type: 'boolean', default: false, description: 'Take the newest match when several match.' },
      include_deprecated: { type: 'boolean', default: false, description: 'Also match deprecated AMIs.' },
    },
  },
  outputs: ['id', 'name', 'creation_date', 'owner', 'owner_name', 'tags'],
  async read(config, ctx) {
    const access = dataSourceAccess('amazon-ami', config, ctx);
    const clients = new Ec2Clients(access);
    try {
      const image = await findImage(
        await clients.get(),
        {
          filters: config.filters as Record<string, string>,
          owners: config.owners as string[],
          mostRecent: config.most_recent === true,
          includeDeprecated: config.include_deprecated === true,
        },
        { subject: 'amazon-ami', region: access.region, what: `amazon-ami: find the AMI in ${access.region}`, signal: ctx.signal },
      );
      return {
        id: image.ImageId ?? '',
        name: image.Name ?? '',
        creation_date: image.CreationDate ?? '',
        owner: image.OwnerId ?? '',
        owner_name: image.ImageOwnerAlias ?? '',
        tags: fromTags(image.Tags),
      };
    } finally {
      await clients.destroy();
    }
  },
};
