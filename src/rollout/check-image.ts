import type * as Ec2 from '@aws-sdk/client-ec2';
import { isNotFound } from '../cloud/aws/index.js';
import { BakeError } from '../core/errors.js';
import { call, type RolloutClients } from './clients.js';

/** An AMI is regional: a group can only launch one that exists, available, in its own region. */
export async function checkImage(clients: RolloutClients, region: string, imageId: string): Promise<Ec2.Image> {
  const ec2 = await import('@aws-sdk/client-ec2');
  let image: Ec2.Image | undefined;
  try {
    const out = await call<Ec2.DescribeImagesCommandOutput>(await clients.ec2(region), new ec2.DescribeImagesCommand({ ImageIds: [imageId] }), `describe AMI ${imageId} in ${region}`, clients.signal);
    image = out.Images?.[0];
  } catch (err) {
    if (!isNotFound((err as { cause?: unknown }).cause)) throw err;
  }
  if (!image) {
    throw new BakeError(`AMI ${imageId} does not exist in ${region}: an AMI can only be used in its own region; copy it there first (amazon-ebs ami_regions) or pass the AMI id of that region`);
  }
  if (image.State !== 'available') throw new BakeError(`AMI ${imageId} in ${region} is ${image.State}, not available`);
  return image;
}
