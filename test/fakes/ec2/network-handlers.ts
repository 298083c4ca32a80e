import { matches } from './describe-filters.js';
import type { FakeEc2 } from './fake-ec2.js';
import { ec2Error } from './model.js';

type Input = Record<string, any>;

export function describeSubnets(fake: FakeEc2, region: string, input: Input) {
  const list = fake.subnets.filter(
    (s) => s.region === region && (!input.SubnetIds || input.SubnetIds.includes(s.id)) && matches(input.Filters, { 'vpc-id': s.vpcId, 'subnet-id': s.id, 'availability-zone': s.az }, s.tags),
  );
  if (input.SubnetIds?.length && list.length === 0) throw ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${input.SubnetIds[0]}' does not exist`);
  return { Subnets: list.map((s) => ({ SubnetId: s.id, VpcId: s.vpcId, AvailabilityZone: s.az, AvailableIpAddressCount: s.free, Tags: s.tags })) };
}

export function describeVpcs(fake: FakeEc2, region: string, input: Input) {
  const list = fake.vpcs.filter((v) => v.region === region && matches(input.Filters, { 'vpc-id': v.id }, v.tags));
  return { Vpcs: list.map((v) => ({ VpcId: v.id, Tags: v.tags })) };
}
