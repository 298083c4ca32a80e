import * as ec2 from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeEc2 } from './fake-ec2.js';
import * as images from './image-handlers.js';
import * as instances from './instance-handlers.js';
import * as network from './network-handlers.js';
import * as other from './other-handlers.js';

export { FakeEc2 } from './fake-ec2.js';
export { ec2Error, OWNER, type Faults } from './model.js';

type Handler = (fake: FakeEc2, region: string, input: any) => unknown;

const HANDLERS: [new (input: any) => object, string, Handler][] = [
  [ec2.RunInstancesCommand, 'RunInstances', instances.runInstances],
  [ec2.DescribeInstancesCommand, 'DescribeInstances', instances.describeInstances],
  [ec2.StopInstancesCommand, 'StopInstances', instances.stopInstances],
  [ec2.TerminateInstancesCommand, 'TerminateInstances', instances.terminateInstances],
  [ec2.ModifyInstanceAttributeCommand, 'ModifyInstanceAttribute', other.modifyInstanceAttribute],
  [ec2.CreateImageCommand, 'CreateImage', images.createImage],
  [ec2.CopyImageCommand, 'CopyImage', images.copyImage],
  [ec2.DescribeImagesCommand, 'DescribeImages', images.describeImages],
  [ec2.DeregisterImageCommand, 'DeregisterImage', images.deregisterImage],
  [ec2.ModifyImageAttributeCommand, 'ModifyImageAttribute', images.modifyImageAttribute],
  [ec2.ImportKeyPairCommand, 'ImportKeyPair', other.importKeyPair],
  [ec2.DeleteKeyPairCommand, 'DeleteKeyPair', other.deleteKeyPair],
  [ec2.DescribeKeyPairsCommand, 'DescribeKeyPairs', other.describeKeyPairs],
  [ec2.CreateSecurityGroupCommand, 'CreateSecurityGroup', other.createSecurityGroup],
  [ec2.AuthorizeSecurityGroupIngressCommand, 'AuthorizeSecurityGroupIngress', other.authorizeIngress],
  [ec2.DeleteSecurityGroupCommand, 'DeleteSecurityGroup', other.deleteSecurityGroup],
  [ec2.DescribeSecurityGroupsCommand, 'DescribeSecurityGroups', other.describeSecurityGroups],
  [ec2.DescribeSnapshotsCommand, 'DescribeSnapshots', other.describeSnapshots],
  [ec2.DeleteSnapshotCommand, 'DeleteSnapshot', other.deleteSnapshot],
  [ec2.ModifySnapshotAttributeCommand, 'ModifySnapshotAttribute', other.modifySnapshotAttribute],
  [ec2.CreateTagsCommand, 'CreateTags', other.createTags],
  [ec2.DescribeSubnetsCommand, 'DescribeSubnets', network.describeSubnets],
  [ec2.DescribeVpcsCommand, 'DescribeVpcs', network.describeVpcs],
  [ec2.DeleteTagsCommand, 'DeleteTags', other.deleteTags],
];

/**
 * Installs a stateful EC2 on every EC2Client's `send` (aws-sdk-client-mock): nothing leaves the
 * process. Commands the fake does not know fail loudly. Call `restore()` after the test.
 */
export function installFakeEc2(fake = new FakeEc2()) {
  const mock = mockClient(ec2.EC2Client);
  mock.callsFake((input) => {
    throw new Error(`fake EC2: unexpected command with input ${JSON.stringify(input)}`);
  });
  for (const [command, name, handler] of HANDLERS) {
    mock.on(command as never).callsFake(async (input: Record<string, unknown>, getClient: () => ec2.EC2Client) => {
      const region = await getClient().config.region();
      fake.record(name, region, input);
      return handler(fake, region, input);
    });
  }
  return { fake, mock, restore: () => mock.restore() };
}
