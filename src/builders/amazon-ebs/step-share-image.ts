import type { Step } from '../../core/steps.js';
import { send } from '../../cloud/aws/index.js';
import type { AmiBuildConfig } from './resolved.js';
import type { ImageState, Init } from './state.js';

/** Launch permissions (ami_users, ami_groups, ami_org_arns, ami_ou_arns) and snapshot sharing, in every region. */
export function shareImageStep(cfg: AmiBuildConfig): Step<Init & ImageState, object> {
  const a = cfg.ami;
  const launch = [
    ...a.users.map((UserId) => ({ UserId })),
    ...a.groups.map((Group) => ({ Group: Group as 'all' })),
    ...a.orgArns.map((OrganizationArn) => ({ OrganizationArn })),
    ...a.ouArns.map((OrganizationalUnitArn) => ({ OrganizationalUnitArn })),
  ];
  const shareSnapshots = a.snapshotUsers.length > 0 || a.snapshotGroups.length > 0;
  return {
    name: 'share-image',
    async run(ctx, { clients, images, snapshots }) {
      if (launch.length === 0 && !shareSnapshots) return {};
      const ec2 = await import('@aws-sdk/client-ec2');
      await Promise.all(
        Object.entries(images).map(async ([region, id]) => {
          const client = await clients.get(region);
          if (launch.length) {
            ctx.log.say(`Sharing AMI ${id} in ${region}`);
            await send(client, new ec2.ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Add: launch } }), {
              what: `amazon-ebs: share AMI ${id} in ${region}`,
              signal: ctx.signal,
              retryNotFound: true,
            });
          }
          if (!shareSnapshots) return;
          for (const snap of snapshots[region] ?? []) {
            await send(
              client,
              new ec2.ModifySnapshotAttributeCommand({
                SnapshotId: snap,
                Attribute: 'createVolumePermission',
                OperationType: 'add',
                UserIds: a.snapshotUsers.length ? a.snapshotUsers : undefined,
                GroupNames: a.snapshotGroups.length ? a.snapshotGroups : undefined,
              }),
              { what: `amazon-ebs: share snapshot ${snap} in ${region}`, signal: ctx.signal, retryNotFound: true },
            );
          }
        }),
      );
      return {};
    },
  };
}
