import { readFile } from 'node:fs/promises';
import type { RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import type { BuildContext } from '../../core/context.js';
import { tagSpecifications } from '../../cloud/aws/index.js';
import { toMappings } from './block-devices.js';
import { renderTags } from './render-tags.js';
import type { ResolvedEbs } from './resolved.js';
import { templateData, type GroupState, type KeyState, type SourceState } from './state.js';
import type { NetworkState } from './step-network.js';
import { resourceTags } from './tagging.js';

export type LaunchState = SourceState & KeyState & GroupState & NetworkState;

/** The RunInstances request for one instance type (EC2 API reference names). */
export async function runInstancesInput(ctx: BuildContext, cfg: ResolvedEbs, s: LaunchState, instanceType: string, attempt: number): Promise<RunInstancesCommandInput> {
  const data = templateData(cfg, s);
  const userData = cfg.userDataFile ? await readFile(cfg.userDataFile, 'utf8') : cfg.userData;
  const networkInterface = cfg.associatePublicIp !== undefined;
  const profile = cfg.iamInstanceProfile;
  return {
    ImageId: s.source.id,
    InstanceType: instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    // Idempotent: an SDK retry after a lost response cannot start a second instance.
    ClientToken: `${ctx.buildId}-${attempt}`.slice(0, 64),
    KeyName: s.keyName,
    ...(networkInterface
      ? {
          NetworkInterfaces: [
            { DeviceIndex: 0, SubnetId: s.subnetId, Groups: s.securityGroupIds, AssociatePublicIpAddress: cfg.associatePublicIp, DeleteOnTermination: true },
          ],
        }
      : { SubnetId: s.subnetId, SecurityGroupIds: s.securityGroupIds }),
    ...(s.availabilityZone ? { Placement: { AvailabilityZone: s.availabilityZone } } : {}),
    ...(profile ? { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } } : {}),
    ...(userData ? { UserData: Buffer.from(userData).toString('base64') } : {}),
    EbsOptimized: cfg.ebsOptimized || undefined,
    ...(cfg.unlimitedCredits ? { CreditSpecification: { CpuCredits: 'unlimited' } } : {}),
    InstanceInitiatedShutdownBehavior: cfg.shutdownBehavior,
    ...(cfg.spot
      ? {
          InstanceMarketOptions: {
            MarketType: 'spot',
            SpotOptions: { MaxPrice: cfg.spot.maxPrice, SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
          },
        }
      : {}),
    MetadataOptions: {
      HttpEndpoint: cfg.metadata.httpEndpoint,
      HttpTokens: cfg.metadata.httpTokens,
      HttpPutResponseHopLimit: cfg.metadata.hopLimit,
      InstanceMetadataTags: cfg.metadata.instanceMetadataTags,
    },
    BlockDeviceMappings: toMappings(cfg.launchMappings),
    TagSpecifications: [
      ...tagSpecifications(['instance'], resourceTags(ctx, cfg, { Name: 'bake builder', ...renderTags(cfg, 'run_tags', cfg.runTags, data) })),
      ...tagSpecifications(['volume'], resourceTags(ctx, cfg, renderTags(cfg, 'run_volume_tags', cfg.runVolumeTags, data))),
      ...(cfg.spot ? tagSpecifications(['spot-instances-request'], resourceTags(ctx, cfg, renderTags(cfg, 'spot_tags', cfg.spot.tags, data))) : []),
    ],
  };
}
