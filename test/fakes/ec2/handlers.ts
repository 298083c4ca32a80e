import * as ec2 from '@aws-sdk/client-ec2';
import type { FakeEc2 } from './fake-ec2.js';
import * as images from './image-handlers.js';
import * as instances from './instance-handlers.js';
import * as network from './network-handlers.js';
import * as other from './other-handlers.js';
import * as volumes from './volume-handlers.js';

export type Handler = (fake: FakeEc2, region: string, input: any) => unknown;

export const HANDLERS: [new (input: any) => object, string, Handler][] = [
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
  [ec2.GetConsoleOutputCommand, 'GetConsoleOutput', other.getConsoleOutput],
  [ec2.CreateVolumeCommand, 'CreateVolume', volumes.createVolume],
  [ec2.DescribeVolumesCommand, 'DescribeVolumes', volumes.describeVolumes],
  [ec2.AttachVolumeCommand, 'AttachVolume', volumes.attachVolume],
  [ec2.DetachVolumeCommand, 'DetachVolume', volumes.detachVolume],
  [ec2.DeleteVolumeCommand, 'DeleteVolume', volumes.deleteVolume],
  [ec2.CreateSnapshotCommand, 'CreateSnapshot', volumes.createSnapshot],
  [ec2.RegisterImageCommand, 'RegisterImage', volumes.registerImage],
];

/** The fake's handler for each EC2 action, for the HTTP front end. */
export const HANDLERS_BY_ACTION: Record<string, Handler> = Object.fromEntries(HANDLERS.map(([, name, handler]) => [name, handler]));
