import type * as Ec2 from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { send, sendAll } from './send.js';
import { BUILD_ID_TAG } from './tags.js';

/**
 * Creates without an idempotency token (key pairs, security groups, CreateImage) are named
 * deterministically and tagged in the same call, so after an answer that never came (or a retry
 * that met "already exists") bake finds its own resource again: same name, its build's tag.
 */
const filters = (nameFilter: string, name: string, buildId: string) => [
  { Name: nameFilter, Values: [name] },
  { Name: `tag:${BUILD_ID_TAG}`, Values: [buildId] },
];

export async function findOwnKeyPair(client: EC2Client, name: string, buildId: string, signal: AbortSignal): Promise<boolean> {
  const { DescribeKeyPairsCommand } = await import('@aws-sdk/client-ec2');
  const out = await send<Ec2.DescribeKeyPairsCommandOutput>(client, new DescribeKeyPairsCommand({ Filters: filters('key-name', name, buildId) }), {
    what: `find key pair ${name}`,
    signal,
  });
  return (out.KeyPairs ?? []).length > 0;
}

export async function findOwnSecurityGroup(client: EC2Client, name: string, buildId: string, signal: AbortSignal): Promise<string | undefined> {
  const { DescribeSecurityGroupsCommand } = await import('@aws-sdk/client-ec2');
  const groups = await sendAll<Ec2.DescribeSecurityGroupsCommandOutput, Ec2.SecurityGroup>(
    client,
    (NextToken) => new DescribeSecurityGroupsCommand({ Filters: filters('group-name', name, buildId), NextToken }),
    (p) => p.SecurityGroups,
    { what: `find security group ${name}`, signal },
  );
  return groups[0]?.GroupId;
}

export async function findOwnImage(client: EC2Client, name: string, buildId: string, signal: AbortSignal): Promise<string | undefined> {
  return (await findOwnImages(client, name, buildId, signal))[0];
}

/** Every AMI of this name and build: more than one only where the emulator does not keep AMI names unique (moto). */
export async function findOwnImages(client: EC2Client, name: string, buildId: string, signal: AbortSignal): Promise<string[]> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
  const images = await sendAll<Ec2.DescribeImagesCommandOutput, Ec2.Image>(
    client,
    (NextToken) => new DescribeImagesCommand({ Owners: ['self'], Filters: filters('name', name, buildId), NextToken }),
    (p) => p.Images,
    { what: `find AMI ${name}`, signal },
  );
  return images.flatMap((i) => (i.ImageId ? [i.ImageId] : []));
}
