import type * as Ec2 from '@aws-sdk/client-ec2';
import { PACKAGES_TAG } from '../supply-chain/build-supply-chain.js';
import { call, type RolloutClients } from './clients.js';
import type { GroupChange } from './types.js';


/**
 * skip_if_unchanged_packages: why no group needs the new AMI (each one that would change runs an
 * AMI whose package list has the same digest), or undefined when one does or cannot be told.
 */
export async function samePackagesAsRunning(clients: RolloutClients, changes: GroupChange[], digest: string): Promise<string | undefined> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const moving = changes.filter((c) => !c.unchanged);
  for (const c of moving) {
    const out = await call<Ec2.DescribeImagesCommandOutput>(
      await clients.ec2(c.region),
      new ec2.DescribeImagesCommand({ ImageIds: [c.previous.imageId] }),
      `describe AMI ${c.previous.imageId} in ${c.region}`,
      clients.signal,
    ).catch(() => undefined);
    const running = out?.Images?.[0]?.Tags?.find((t) => t.Key === PACKAGES_TAG)?.Value;
    if (running !== digest) return undefined;
  }
  const amis = [...new Set(moving.map((c) => c.previous.imageId))].join(', ');
  return `${moving.map((c) => c.group).join(', ')} run${moving.length === 1 ? 's' : ''} ${amis}, with the same packages (${PACKAGES_TAG} ${digest.slice(0, 12)}…)`;
}
