import * as ec2 from '@aws-sdk/client-ec2';
const ep = process.env.BAKE_MOTO_ENDPOINT;
const out = {};
const tags = (t) => Object.fromEntries((t ?? []).map((x) => [x.Key, x.Value]).sort());
for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
  const c = new ec2.EC2Client({ region, endpoint: ep, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const imgs = (await c.send(new ec2.DescribeImagesCommand({ Owners: ['self'] }))).Images ?? [];
  const r = (out[region] = { images: [] });
  for (const i of imgs) {
    const lp = (await c.send(new ec2.DescribeImageAttributeCommand({ ImageId: i.ImageId, Attribute: 'launchPermission' }))).LaunchPermissions;
    const snaps = [];
    for (const b of i.BlockDeviceMappings ?? []) if (b.Ebs?.SnapshotId) {
      const s = (await c.send(new ec2.DescribeSnapshotsCommand({ SnapshotIds: [b.Ebs.SnapshotId] }))).Snapshots[0];
      const cvp = (await c.send(new ec2.DescribeSnapshotAttributeCommand({ SnapshotId: s.SnapshotId, Attribute: 'createVolumePermission' }))).CreateVolumePermissions;
      snaps.push({ id: s.SnapshotId, desc: s.Description, tags: tags(s.Tags), cvp });
    }
    r.images.push({ id: i.ImageId, name: i.Name, desc: i.Description, state: i.State, tags: tags(i.Tags), lp, snaps });
  }
  const res = (await c.send(new ec2.DescribeInstancesCommand({}))).Reservations ?? [];
  r.instances = res.flatMap((x) => x.Instances).map((i) => [i.InstanceId, i.State.Name, JSON.stringify(tags(i.Tags)), JSON.stringify(i.MetadataOptions), i.KeyName].join(' '));
  r.keys = ((await c.send(new ec2.DescribeKeyPairsCommand({}))).KeyPairs ?? []).map((k) => k.KeyName);
  r.sgs = ((await c.send(new ec2.DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []).filter(g => g.GroupName !== 'default').map((g) => g.GroupName);
  r.volumes = ((await c.send(new ec2.DescribeVolumesCommand({}))).Volumes ?? []).map((v) => [v.VolumeId, v.State, JSON.stringify(tags(v.Tags))].join(' '));
  r.snapshotsAll = ((await c.send(new ec2.DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? []).length;
}
console.log(JSON.stringify(out, null, 1));
