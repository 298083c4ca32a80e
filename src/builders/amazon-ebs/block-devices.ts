import type { BlockDeviceMapping } from '@aws-sdk/client-ec2';
import type { BlockDevice } from './resolved.js';

/** Packer's block device entries as EC2 BlockDeviceMappings. */
export function toMappings(devices: BlockDevice[]): BlockDeviceMapping[] | undefined {
  if (devices.length === 0) return undefined;
  return devices.map((d) => {
    if (d.noDevice) return { DeviceName: d.deviceName, NoDevice: '' };
    if (d.virtualName) return { DeviceName: d.deviceName, VirtualName: d.virtualName };
    return {
      DeviceName: d.deviceName,
      Ebs: {
        DeleteOnTermination: d.deleteOnTermination ?? true,
        Encrypted: d.encrypted,
        Iops: d.iops,
        Throughput: d.throughput,
        KmsKeyId: d.kmsKeyId,
        SnapshotId: d.snapshotId,
        VolumeSize: d.volumeSize,
        VolumeType: d.volumeType as NonNullable<BlockDeviceMapping['Ebs']>['VolumeType'],
      },
    };
  });
}
