import type { FromSchema } from 'json-schema-to-ts';
import { bool, int, oneOfStrings, str, stringList, stringMap } from '../../plugins/schema-helpers.js';
import { accessProperties } from '../amazon-ebs/schema-access.js';
import { amiProperties } from '../amazon-ebs/schema-ami.js';

/** Packer amazon-chroot's source filter (the amazon-ebs one without its run options). */
const sourceAmiFilter = {
  type: 'object',
  additionalProperties: false,
  description: 'Find the source AMI: filters (name → value), owners, most_recent.',
  properties: {
    filters: stringMap('DescribeImages filters, e.g. {"name": "debian-12-*", "virtualization-type": "hvm"}.'),
    owners: stringList('Accounts (ids or "amazon", "self", "aws-marketplace") the AMI may belong to: required, so a look-alike cannot be picked.'),
    most_recent: bool('Take the newest match when several match.', false),
    include_deprecated: bool('Include deprecated AMIs.', false),
  },
} as const;

/** The amazon-chroot builder's options, with Packer's names. */
export const amazonChrootSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ami_name'],
  properties: {
    ...accessProperties,
    region: str('Region of the AMI: the build host\'s own region (default: read from instance metadata; a different one is refused).'),
    ...amiProperties,
    source_ami: str('The AMI whose root snapshot the volume starts from.'),
    source_ami_filter: sourceAmiFilter,
    from_scratch: bool('Start from an empty volume (root_volume_size GiB) that pre_mount_commands partition and format, instead of a source AMI.', false),
    root_volume_size: int('Size of the working volume in GiB; default the source AMI\'s root snapshot size. Larger grows the last partition and its ext filesystem.', undefined, 1),
    root_volume_type: str('Type of the working volume and of the AMI\'s root device (gp2, gp3, io1, …).', 'gp2'),
    root_volume_tags: stringMap('Tags of the working volume (bake\'s own are added).'),
    root_volume_encrypt_boot: bool('Encrypt the working volume, and so the snapshot and the AMI.'),
    root_volume_kms_key_id: str('KMS key for root_volume_encrypt_boot.'),
    root_device_name: str('The AMI\'s root device name; default the source AMI\'s (required with from_scratch).'),
    ami_architecture: oneOfStrings(['x86_64', 'arm64', 'i386', 'x86_64_mac', 'arm64_mac'] as const, 'Architecture of the AMI; default the source AMI\'s, or x86_64 from scratch.'),
    boot_mode: oneOfStrings(['legacy-bios', 'uefi', 'uefi-preferred'] as const, 'Boot mode of the AMI; default the source AMI\'s.'),
    tpm_support: oneOfStrings(['v2.0'] as const, 'NitroTPM support of the AMI (needs boot_mode "uefi").'),
    uefi_data: str('Base64 UEFI variable store of the AMI (needs boot_mode "uefi").'),
    imds_support: oneOfStrings(['v2.0'] as const, 'Instances of the AMI require IMDSv2.'),
    device_path: str('The device the volume appears as on this host; default: found after the attach (/dev/sdX, /dev/xvdX, or the NVMe device whose serial is the volume id).'),
    nvme_device_path: str('The NVMe device (e.g. "/dev/nvme1n1") the volume appears as, when the automatic look-up cannot find it.'),
    mount_path: str('Where the root filesystem is mounted, inside the build\'s private mount namespace; {{.Device}} is the device\'s name (default: a new temporary directory). Nothing is mounted on the host.'),
    mount_partition: str('Number of the partition that holds the root filesystem ("0": the volume has no partition table). Default: the partition with /etc/os-release.', '1'),
    mount_options: stringList('Extra mount options for the root filesystem, e.g. ["noatime"].'),
    chroot_mounts: {
      type: 'array',
      items: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 3 },
      description: 'Filesystems mounted into the chroot, as [type, source, mount point], as in the chroot builder.',
    },
    copy_files: stringList('Host files put in place of the image\'s own for the build (default ["/etc/resolv.conf"]).'),
    pre_mount_commands: stringList('Host commands run before the volume is mounted ({{.Device}}, {{.MountPath}}); with from_scratch they partition and format it.'),
    post_mount_commands: stringList('Commands run after everything is mounted, inside the build\'s namespace ({{.Device}}, {{.MountPath}}).'),
    command_wrapper: str('Wraps every command run in the chroot; {{.Command}} is the command.', '{{.Command}}'),
  },
} as const;

export type AmazonChrootConfig = FromSchema<typeof amazonChrootSchema>;
