import { bool, int, keyValueList, nameValueList, oneOfStrings, str, stringList, stringMap } from '../../plugins/schema-helpers.js';
import { blockDeviceList } from './schema-block-devices.js';

const filterBlock = (description: string) =>
  ({
    type: 'object',
    description,
    additionalProperties: false,
    properties: {
      filters: stringMap('DescribeX filters, name → value (comma-free, one value each).'),
    },
  }) as const;

/** Packer's RunConfig: the source and the temporary instance. */
export const runProperties = {
  source_ami: str('AMI id the instance starts from.'),
  source_ami_filter: {
    type: 'object',
    description: 'Find the source AMI: DescribeImages filters and owners; several matches need most_recent.',
    additionalProperties: false,
    properties: {
      filters: stringMap('DescribeImages filters, e.g. {"name": "ubuntu/images/*", "virtualization-type": "hvm"}.'),
      owners: stringList('Account ids or aliases ("self", "amazon") the AMI must belong to.'),
      most_recent: bool('Take the newest match when several match.', false),
      include_deprecated: bool('Also match deprecated AMIs.', false),
    },
  },
  instance_type: str('Instance type of the temporary instance, e.g. "t3.micro".'),
  instance_types: stringList('bake: instance types tried in order when EC2 has no capacity for the previous one.'),
  subnet_id: str('Subnet to launch in.'),
  subnet_filter: {
    type: 'object',
    description: 'Find the subnet by DescribeSubnets filters; of several matches the freest is used and the others are capacity fallbacks.',
    additionalProperties: false,
    properties: {
      filters: stringMap('DescribeSubnets filters, name → value.'),
      most_free: bool('Pick the matching subnet with the most free addresses.'),
      random: bool('Pick a random matching subnet.'),
    },
  },
  vpc_id: str('VPC for the temporary security group.'),
  vpc_filter: filterBlock('Find the VPC by DescribeVpcs filters.'),
  availability_zone: str('Availability zone to launch in.'),
  associate_public_ip_address: bool('Give the instance a public address (needs subnet_id or the default VPC).'),
  security_group_id: str('Existing security group to use instead of a temporary one.'),
  security_group_ids: stringList('Existing security groups to use instead of a temporary one.'),
  security_group_filter: filterBlock('Find existing security groups by DescribeSecurityGroups filters.'),
  temporary_security_group_source_cidrs: stringList('CIDRs allowed to reach SSH through the temporary security group.'),
  iam_instance_profile: str('Instance profile of the temporary instance.'),
  user_data: str('User data (plain text; bake base64-encodes it).'),
  user_data_file: str('File whose content is the user data.'),
  ebs_optimized: bool('Launch EBS-optimized.', false),
  enable_t2_unlimited: bool('T2 unlimited credits.', false),
  enable_unlimited_credits: bool('Unlimited credits for burstable types (t2, t3, t4g).', false),
  shutdown_behavior: oneOfStrings(['stop', 'terminate'] as const, 'What an OS shutdown does to the instance.', 'stop'),
  metadata_options: {
    type: 'object',
    description: 'Instance metadata service options; bake requires IMDSv2 tokens by default.',
    additionalProperties: false,
    properties: {
      http_endpoint: oneOfStrings(['enabled', 'disabled'] as const, 'Whether the metadata service answers.', 'enabled'),
      http_tokens: oneOfStrings(['required', 'optional'] as const, 'IMDSv2 session tokens: "required" (bake default) or "optional" (Packer default).', 'required'),
      http_put_response_hop_limit: int('Hop limit of token responses.', 1, 1),
      instance_metadata_tags: oneOfStrings(['enabled', 'disabled'] as const, 'Expose instance tags through the metadata service.', 'disabled'),
    },
  },
  launch_block_device_mappings: blockDeviceList('Volumes of the temporary instance (they become the AMI\'s unless ami_block_device_mappings says otherwise).'),
  run_tags: stringMap('Tags of the temporary instance (template values: .SourceAMI, .SourceAMIName, .BuildRegion, .SourceAMITags.X).'),
  run_volume_tags: stringMap('Tags of the temporary instance\'s volumes.'),
  spot_price: str('Run a one-time spot instance: "auto" (capped at the on-demand price) or a maximum hourly price like "0.05".'),
  spot_instance_types: stringList('Spot instance types tried in order when one has no capacity (replaces instance_type).'),
  spot_tags: stringMap('Tags of the spot instance request.'),
  run_tag: keyValueList('run_tags as repeatable blocks (run_tag { key = "k" value = "v" }).'),
  run_volume_tag: nameValueList('run_volume_tags as repeatable blocks (run_volume_tag { name = "k" value = "v" }).'),
  spot_tag: keyValueList('spot_tags as repeatable blocks.'),
  ssh_interface: oneOfStrings(['public_ip', 'private_ip', 'public_dns', 'private_dns', 'session_manager'] as const, 'Which address of the instance SSH connects to; default public_ip when there is one, else private_ip.'),
  ssh_keypair_name: str('Existing EC2 key pair to launch with; give its private key in ssh_private_key_file.'),
  temporary_key_pair_name: str('Name of the temporary key pair; default bake_<build id>.'),
  disable_stop_instance: bool('Do not stop the instance before the image is made (a provisioner stops it).', false),
} as const;
