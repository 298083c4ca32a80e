import { bool, keyValueList, str, stringList, stringMap } from '../../plugins/schema-helpers.js';
import { blockDeviceList } from './schema-block-devices.js';

/** Packer's AMIConfig: the image made. */
export const amiProperties = {
  ami_name: str('Name of the AMI: 3-128 characters of letters, digits and ( ) [ ] space . / - \' @ _; must be unused.'),
  ami_description: str('Description of the AMI.'),
  ami_virtualization_type: str('Virtualization type: "hvm" or "paravirtual"; default the source\'s.'),
  ami_regions: stringList('Other regions to copy the AMI to (in parallel).'),
  region_kms_key_ids: stringMap('KMS key per region for encrypted copies, region → key id/ARN/alias.'),
  encrypt_boot: bool('Encrypt the AMI\'s boot volume (a re-encrypting copy).'),
  kms_key_id: str('KMS key for encrypt_boot in the build region; default the account\'s EBS key.'),
  ami_users: stringList('Account ids allowed to launch the AMI.'),
  ami_groups: stringList('Groups allowed to launch the AMI: "all" makes it public.'),
  ami_org_arns: stringList('Organization ARNs allowed to launch the AMI.'),
  ami_ou_arns: stringList('Organizational unit ARNs allowed to launch the AMI.'),
  snapshot_users: stringList('Account ids allowed to create volumes from the AMI\'s snapshots.'),
  snapshot_groups: stringList('Groups allowed to create volumes from the snapshots ("all").'),
  tags: stringMap('Tags of the AMI and its snapshots in every region (template values: .SourceAMI, .SourceAMIName, .BuildRegion, .SourceAMITags.X).'),
  snapshot_tags: stringMap('Tags of the AMI\'s snapshots in every region; they win over tags of the same key.'),
  tag: keyValueList('tags as repeatable blocks (tag { key = "k" value = "v" }); they win over tags of the same key.'),
  snapshot_tag: keyValueList('snapshot_tags as repeatable blocks.'),
  ena_support: bool('Enable ENA on the AMI.'),
  sriov_support: bool('Enable SR-IOV (simple) on the AMI.'),
  force_deregister: bool('Deregister an existing AMI of the same name first.', false),
  force_delete_snapshot: bool('With force_deregister, delete the old AMI\'s snapshots too.', false),
  skip_create_ami: bool('Provision but make no AMI (a dry run of the provisioners).', false),
  ami_block_device_mappings: blockDeviceList('Block devices of the AMI (instance store, extra EBS volumes).'),
} as const;
