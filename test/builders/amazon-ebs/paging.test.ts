import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ec2Clients, cleanupAwsLeftovers } from '../../../src/cloud/aws/index.js';
import type { AmazonEbsBuilder } from '../../../src/builders/amazon-ebs/index.js';
import { sourceAmiStep } from '../../../src/builders/amazon-ebs/step-source-ami.js';
import { EventBus } from '../../../src/core/events.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { FakeEc2, installFakeEc2, OWNER } from '../../fakes/ec2/index.js';
import { makeBuildContext } from '../../helpers/context.js';
import { makeBuilder } from './setup.js';

let restore: () => void;
beforeEach(() => isolateAws());
afterEach(() => restore?.());

describe('EC2 lists are followed through every page (the fake answers two items a page)', () => {
  it('source_ami_filter with most_recent picks the newest image though it is on the last page', async () => {
    const fake = new FakeEc2();
    restore = installFakeEc2(fake).restore;
    for (const day of ['01', '02', '03', '04']) fake.addImage('us-east-1', `ubuntu/images/2025-01-${day}`, { creationDate: `2025-01-${day}T00:00:00.000Z` });
    const newest = fake.addImage('us-east-1', 'ubuntu/images/2025-02-01', { creationDate: '2025-02-01T00:00:00.000Z' });
    const cfg = (makeBuilder({ region: 'us-east-1', communicator: 'none', instance_type: 't3.micro', ami_name: 'web-image', source_ami_filter: { filters: { name: 'ubuntu/images/*' }, owners: ['099720109477'], most_recent: true } }) as AmazonEbsBuilder).cfg;
    const clients = new Ec2Clients(cfg.access);
    const out = await sourceAmiStep(cfg).run(makeBuildContext(), { clients, outcome: { succeeded: false } });
    await clients.destroy();
    expect(out.source.id).toBe(newest.id);
    expect(fake.callsOf('DescribeImages').map((c) => c.input.NextToken)).toEqual([undefined, '2', '4']);
  });

  it('bake cleanup --region finds bake-tagged leftovers on later pages', async () => {
    const fake = new FakeEc2();
    restore = installFakeEc2(fake).restore;
    // Five builds killed: their groups and AMIs fill three pages of two.
    for (let i = 1; i <= 5; i++) {
      const tags = [{ Key: 'bake:build-id', Value: `b-${i}` }];
      fake.groups.set(`sg-${i}`, { id: `sg-${i}`, region: 'us-east-1', name: `bake_b-${i}`, tags, ingress: [] });
      fake.addImage('us-east-1', `img-${i}`, { ownerId: OWNER, tags });
    }
    const report = await cleanupAwsLeftovers([], { dryRun: true, log: new EventBus().logger('cleanup'), signal: new AbortController().signal, region: 'us-east-1' });
    const found = (type: string) => report.wouldRemove.filter((r) => r.type === type).map((r) => r.buildId).sort();
    expect(found('aws:security-group')).toEqual(['b-1', 'b-2', 'b-3', 'b-4', 'b-5']);
    expect(found('aws:image')).toEqual(['b-1', 'b-2', 'b-3', 'b-4', 'b-5']);
  });
});
