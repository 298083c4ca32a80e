import * as ec2 from '@aws-sdk/client-ec2';
import { startMoto } from './test/helpers/moto-launcher.mjs';
const moto = await startMoto();
try {
  const c = new ec2.EC2Client({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const any = (await c.send(new ec2.DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['amzn2*'] }] }))).Images ?? [];
  console.log('amzn2', any.length, any.slice(0,2).map(i=>[i.ImageId,i.Name,i.OwnerId,i.RootDeviceName,i.Architecture, i.EnaSupport, JSON.stringify(i.BlockDeviceMappings)]));
  const run = await c.send(new ec2.RunInstancesCommand({ ImageId: any[0].ImageId, MinCount: 1, MaxCount: 1 }));
  const inst = run.Instances[0];
  const snap = any[0].BlockDeviceMappings?.[0]?.Ebs?.SnapshotId;
  const vol = await c.send(new ec2.CreateVolumeCommand({ AvailabilityZone: inst.Placement.AvailabilityZone, SnapshotId: snap, VolumeType: 'gp2', ClientToken: 'x1', TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'a', Value: 'b' }] }] }));
  const vol2 = await c.send(new ec2.CreateVolumeCommand({ AvailabilityZone: inst.Placement.AvailabilityZone, SnapshotId: snap, VolumeType: 'gp2', ClientToken: 'x1' }));
  console.log('vol', vol.VolumeId, vol2.VolumeId, vol.State, vol.Size);
  await c.send(new ec2.AttachVolumeCommand({ VolumeId: vol.VolumeId, InstanceId: inst.InstanceId, Device: '/dev/sdf' }));
  console.log(JSON.stringify((await c.send(new ec2.DescribeInstancesCommand({ InstanceIds: [inst.InstanceId] }))).Reservations[0].Instances[0].BlockDeviceMappings));
  await c.send(new ec2.DetachVolumeCommand({ VolumeId: vol.VolumeId, InstanceId: inst.InstanceId, Device: '/dev/sdf' }));
  console.log(JSON.stringify((await c.send(new ec2.DescribeVolumesCommand({ VolumeIds: [vol.VolumeId] }))).Volumes[0]));
  const s = await c.send(new ec2.CreateSnapshotCommand({ VolumeId: vol.VolumeId, TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'bake:build-id', Value: 'x' }] }] }));
  console.log('snap', s.SnapshotId, s.State);
  console.log(JSON.stringify((await c.send(new ec2.DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'volume-id', Values: [vol.VolumeId] }, { Name: 'tag:bake:build-id', Values: ['x'] }] }))).Snapshots.map(x=>[x.SnapshotId,x.State])));
  const r = await c.send(new ec2.RegisterImageCommand({ Name: 'reg-test', Architecture: 'x86_64', RootDeviceName: '/dev/xvda', VirtualizationType: 'hvm', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: s.SnapshotId, DeleteOnTermination: true, VolumeType: 'gp2' } }], EnaSupport: true, TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'bake:build-id', Value: 'x' }] }] }));
  console.log('ami', r.ImageId, JSON.stringify((await c.send(new ec2.DescribeImagesCommand({ ImageIds: [r.ImageId] }))).Images[0]));
  await c.send(new ec2.DeleteVolumeCommand({ VolumeId: vol.VolumeId }));
  console.log('deleted');
} catch (e) { console.log('ERR', e.name, e.message, e.$response?.body?.toString?.().slice(0,300)); } finally { await moto.stop(); }
