import type { Subnet, Vpc } from '@aws-sdk/client-ec2';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { send } from '../../cloud/aws/index.js';
import type { ResolvedEbs } from './resolved.js';
import type { Init } from './state.js';

export interface Placement {
  subnetId?: string;
  availabilityZone?: string;
}

export interface NetworkState extends Placement {
  vpcId?: string;
  /** Other subnets subnet_filter matched, tried in order when EC2 has no capacity in the first. */
  fallbackPlacements?: Placement[];
}

const filters = (f: Record<string, string>) => Object.entries(f).map(([Name, v]) => ({ Name, Values: [v] }));

/** Resolves subnet_filter / vpc_filter to ids, and the VPC of a given subnet. */
export function networkStep(cfg: ResolvedEbs): Step<Init, NetworkState> {
  return {
    name: 'network',
    async run(ctx, { clients }) {
      if (!cfg.subnetFilter && !cfg.vpcFilter && !(cfg.subnetId && !cfg.vpcId)) {
        return { subnetId: cfg.subnetId, vpcId: cfg.vpcId, availabilityZone: cfg.availabilityZone };
      }
      const ec2 = await import('@aws-sdk/client-ec2');
      const client = await clients.get();
      let vpcId = cfg.vpcId;
      if (!vpcId && cfg.vpcFilter) {
        const out = await send<{ Vpcs?: Vpc[] }>(client, new ec2.DescribeVpcsCommand({ Filters: filters(cfg.vpcFilter.filters) }), {
          what: 'amazon-ebs: find VPC',
          signal: ctx.signal,
        });
        const vpcs = out.Vpcs ?? [];
        if (vpcs.length !== 1) throw new BakeError(`${cfg.where}.vpc_filter: ${vpcs.length} VPCs match ${JSON.stringify(cfg.vpcFilter.filters)}; exactly one must`);
        vpcId = vpcs[0].VpcId;
      }
      const input = cfg.subnetId
        ? { SubnetIds: [cfg.subnetId] }
        : { Filters: [...filters(cfg.subnetFilter?.filters ?? {}), ...(vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : [])] };
      if (!cfg.subnetId && !cfg.subnetFilter) return { vpcId, availabilityZone: cfg.availabilityZone };
      const out = await send<{ Subnets?: Subnet[] }>(client, new ec2.DescribeSubnetsCommand(input), { what: 'amazon-ebs: find subnet', signal: ctx.signal });
      let subnets = (out.Subnets ?? []).filter((s) => !cfg.availabilityZone || s.AvailabilityZone === cfg.availabilityZone);
      if (subnets.length === 0) throw new BakeError(`${cfg.where}.subnet_filter: no subnet matches ${JSON.stringify(cfg.subnetFilter?.filters ?? { id: cfg.subnetId })}`);
      // Several matches: the freest first (or a random one with random), the others as fallbacks.
      subnets = [...subnets].sort((a, b) => (b.AvailableIpAddressCount ?? 0) - (a.AvailableIpAddressCount ?? 0));
      if (cfg.subnetFilter?.random) subnets.unshift(...subnets.splice(Math.floor(Math.random() * subnets.length), 1));
      const [subnet, ...others] = subnets;
      ctx.log.info(`Using subnet ${subnet.SubnetId} in ${subnet.AvailabilityZone}${others.length ? ` (then ${others.map((s) => s.SubnetId).join(', ')})` : ''}`);
      return {
        subnetId: subnet.SubnetId,
        vpcId: vpcId ?? subnet.VpcId,
        availabilityZone: subnet.AvailabilityZone,
        fallbackPlacements: others.map((s) => ({ subnetId: s.SubnetId, availabilityZone: s.AvailabilityZone })),
      };
    },
  };
}
