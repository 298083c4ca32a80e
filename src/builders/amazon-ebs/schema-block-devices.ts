import { bool, int, str } from '../../plugins/schema-helpers.js';

/** One entry of launch_block_device_mappings / ami_block_device_mappings (Packer's BlockDevice). */
export const blockDeviceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['device_name'],
  properties: {
    device_name: str('Device name, e.g. "/dev/xvda".'),
    delete_on_termination: bool('Delete the volume when the instance terminates.'),
    encrypted: bool('Encrypt the volume.'),
    iops: int('Provisioned IOPS (io1, io2, gp3).'),
    throughput: int('Throughput in MiB/s (gp3).'),
    kms_key_id: str('KMS key for an encrypted volume.'),
    no_device: bool('Suppress this device of the AMI.'),
    snapshot_id: str('Snapshot the volume starts from.'),
    virtual_name: str('Instance store name, e.g. "ephemeral0".'),
    volume_type: str('Volume type: gp2, gp3, io1, io2, st1, sc1, standard.'),
    volume_size: int('Size in GiB.', undefined, 1),
  },
} as const;

export const blockDeviceList = (description: string) => ({ type: 'array', items: blockDeviceSchema, description }) as const;
