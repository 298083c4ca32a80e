import { bool, int, oneOfStrings, str, stringList, stringMap } from '../../plugins/schema-helpers.js';

/** Packer's openstack ImageConfig: the Glance image that is the product. */
export const imageProperties = {
  image_name: str('Name of the image to create.'),
  metadata: stringMap('Properties set on the image.'),
  image_visibility: oneOfStrings(['public', 'private', 'shared', 'community'] as const, 'Visibility of the image; default the cloud\'s (private).'),
  image_members: stringList('Project ids to share the image with (makes it "shared" unless image_visibility says otherwise).'),
  image_auto_accept_members: bool('Accept the membership on behalf of the members (needs rights in their projects).', false),
  image_disk_format: str('Disk format of an image uploaded from a volume (use_blockstorage_volume); default raw.'),
  image_tags: stringList('Tags to add to the image.'),
  image_min_disk: int('Minimum disk size (GiB) to boot the image.'),
  skip_create_image: bool('Provision but make no image.', false),
} as const;
