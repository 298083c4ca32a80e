import type { SecurityGroup } from '@aws-sdk/client-ec2';
import type { BuildContext } from '../../core/context.js';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { accessDetails, awsCode, deleteSecurityGroup, findOwnSecurityGroup, send, sendAll, tagSpecifications } from '../../cloud/aws/index.js';
import type { ResolvedEbs } from './resolved.js';
import type { GroupState, Init } from './state.js';
import type { NetworkState } from './step-network.js';
import { resourceTags } from './tagging.js';
import { removeOrSay } from '../../cloud/aws/remove-hint.js';

/**
 * The instance's security groups: those given (or found by security_group_filter), or a temporary
 * group that lets SSH in from temporary_security_group_source_cidrs, deleted after the instance is gone.
 */
export function securityGroupStep(cfg: ResolvedEbs): Step<Init & NetworkState, GroupState> {
  let created: string | undefined;
  /** Set while the create's outcome is unknown: cleanup then looks for the group by name and tag. */
  let attempted: string | undefined;
  const own = (ctx: BuildContext, id: string) => {
    ctx.journal.created({ type: 'aws:security-group', id, region: cfg.region, details: accessDetails(cfg.access) });
    created = id;
    attempted = undefined;
  };
  return {
    name: 'security-group',
    async run(ctx, { clients, vpcId }) {
      if (cfg.securityGroupIds.length) return { securityGroupIds: cfg.securityGroupIds };
      const ec2 = await import('@aws-sdk/client-ec2');
      const client = await clients.get();
      if (cfg.securityGroupFilter) {
        const f = Object.entries(cfg.securityGroupFilter.filters).map(([Name, v]) => ({ Name, Values: [v] }));
        const groups = await sendAll<{ SecurityGroups?: SecurityGroup[]; NextToken?: string }, SecurityGroup>(
          client,
          (NextToken) => new ec2.DescribeSecurityGroupsCommand({ Filters: [...f, ...(vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : [])], NextToken }),
          (p) => p.SecurityGroups,
          { what: 'amazon-ebs: find security groups', signal: ctx.signal },
        );
        const ids = groups.map((g) => g.GroupId!);
        if (ids.length === 0) throw new BakeError(`${cfg.where}.security_group_filter: no security group matches ${JSON.stringify(cfg.securityGroupFilter.filters)}`);
        return { securityGroupIds: ids };
      }
      const name = `bake_${ctx.buildId}`;
      ctx.log.say(`Creating temporary security group ${name}`);
      attempted = name;
      let id: string;
      try {
        const out = await send<{ GroupId?: string }>(
          client,
          new ec2.CreateSecurityGroupCommand({
            GroupName: name,
            Description: `Temporary group for bake build ${ctx.buildId}`,
            VpcId: vpcId,
            TagSpecifications: tagSpecifications(['security-group'], resourceTags(ctx, cfg, { Name: name })),
          }),
          { what: `amazon-ebs: create security group ${name}`, signal: ctx.signal, creates: true },
        );
        id = out.GroupId!;
      } catch (err) {
        // A retry after a lost answer meets the group the first try made: find it by name and tag.
        const found = awsCode((err as { cause?: unknown }).cause) === 'InvalidGroup.Duplicate' ? await findOwnSecurityGroup(client, name, ctx.buildId, ctx.signal) : undefined;
        if (!found) throw err;
        ctx.log.info(`Security group ${name} (${found}) was made by an earlier try whose answer was lost; using it`);
        id = found;
      }
      own(ctx, id);
      try {
        await send(
          client,
          new ec2.AuthorizeSecurityGroupIngressCommand({
            GroupId: id,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: cfg.sshPort, ToPort: cfg.sshPort, IpRanges: cfg.tempSgCidrs.map((CidrIp) => ({ CidrIp })) }],
          }),
          { what: `amazon-ebs: allow SSH into security group ${id}`, signal: ctx.signal, retryNotFound: true },
        );
      } catch (err) {
        // The rule an earlier try added before its answer was lost.
        if (awsCode((err as { cause?: unknown }).cause) !== 'InvalidPermission.Duplicate') throw err;
      }
      return { securityGroupIds: [id] };
    },
    async cleanup(ctx, { clients }) {
      if (!created && attempted) {
        const found = await findOwnSecurityGroup(await clients.get(), attempted, ctx.buildId, ctx.cleanupSignal());
        if (found) own(ctx, found);
      }
      attempted = undefined;
      if (!created) return;
      ctx.log.say(`Deleting temporary security group ${created}`);
      const id = created;
      await removeOrSay('aws:security-group', id, cfg.region, async () => deleteSecurityGroup(await clients.get(), id, ctx.cleanupSignal()));
      ctx.journal.removed({ type: 'aws:security-group', id: created, region: cfg.region });
      created = undefined;
    },
  };
}
