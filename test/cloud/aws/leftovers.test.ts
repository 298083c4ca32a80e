import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupAwsLeftovers } from '../../../src/cloud/aws/index.js';
import { EventBus } from '../../../src/core/events.js';
import { Journal } from '../../../src/core/journal.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { ec2Error, FakeEc2, installFakeEc2, OWNER } from '../../fakes/ec2/index.js';
import { makeBuildContext } from '../../helpers/context.js';

let restore: () => void;
beforeEach(() => isolateAws());
afterEach(() => restore?.());

const tag = (buildId: string) => [{ Key: 'bake:build-id', Value: buildId }];
const log = new EventBus().logger('cleanup');
const opts = { dryRun: false, log, signal: new AbortController().signal };

/** What a run killed with SIGKILL after launching leaves: instance, group, key, half-made AMI, all journaled. */
function killedRun(fake: FakeEc2) {
  const ctx = makeBuildContext();
  const source = fake.addImage('us-east-1', 'src');
  fake.groups.set('sg-1', { id: 'sg-1', region: 'us-east-1', name: 'bake_b-killed', tags: tag('bake-test-0001'), ingress: [] });
  fake.keyPairs.set('us-east-1/bake_b-killed', { name: 'bake_b-killed', region: 'us-east-1', publicKey: 'k', tags: tag('bake-test-0001'), createTime: new Date() });
  fake.instances.set('i-1', {
    id: 'i-1', region: 'us-east-1', state: 'running', polls: 0, imageId: source.id, instanceType: 't3.micro', groups: ['sg-1'],
    tags: tag('bake-test-0001'), launchTime: new Date(), volumes: [], hiddenPolls: 0,
  });
  const ami = fake.addImage('eu-west-1', 'half', { ownerId: OWNER, tags: tag('bake-test-0001'), state: 'pending' });
  for (const [type, id, region] of [['aws:key-pair', 'bake_b-killed', 'us-east-1'], ['aws:security-group', 'sg-1', 'us-east-1'], ['aws:instance', 'i-1', 'us-east-1'], ['aws:image', ami.id, 'eu-west-1']]) {
    ctx.journal.created({ type, id, region });
  }
  return { journal: Journal.open(ctx.journalPath), ami };
}

describe('cleanupAwsLeftovers', () => {
  it('removes what a killed run journaled, instances before their groups, AMIs with their snapshots', async () => {
    const fake = new FakeEc2();
    ({ restore } = installFakeEc2(fake));
    const { journal, ami } = killedRun(fake);
    const removed: string[] = [];
    const report = await cleanupAwsLeftovers(journal, { ...opts, onRemoved: (r) => removed.push(r.id) });
    expect(report.failed).toEqual([]);
    expect(report.removed.map((r) => r.type)).toEqual(['aws:instance', 'aws:image', 'aws:security-group', 'aws:key-pair']);
    expect(removed).toEqual(['i-1', ami.id, 'sg-1', 'bake_b-killed']);
    expect(fake.bakeTagged()).toEqual([]);
    expect(fake.snapshots.has(ami.snapshots[0])).toBe(false);
    expect(fake.calls.map((c) => c.command).indexOf('DeleteSecurityGroup')).toBeGreaterThan(fake.calls.map((c) => c.command).lastIndexOf('DescribeInstances'));
  });

  it('with --dry-run only lists', async () => {
    const fake = new FakeEc2();
    ({ restore } = installFakeEc2(fake));
    const { journal } = killedRun(fake);
    const report = await cleanupAwsLeftovers(journal, { ...opts, dryRun: true });
    expect(report.wouldRemove.map((r) => `${r.type} ${r.id}`)).toHaveLength(4);
    expect(fake.bakeTagged()).toHaveLength(4);
    expect(fake.calls.filter((c) => !c.command.startsWith('Describe'))).toEqual([]);
  });

  it('never touches a journaled resource that lacks the build tag', async () => {
    const fake = new FakeEc2();
    ({ restore } = installFakeEc2(fake));
    const ctx = makeBuildContext({ buildId: 'b-1' });
    fake.groups.set('sg-9', { id: 'sg-9', region: 'us-east-1', name: 'someone-elses', tags: [], ingress: [] });
    ctx.journal.created({ type: 'aws:security-group', id: 'sg-9', region: 'us-east-1' });
    const report = await cleanupAwsLeftovers(Journal.open(ctx.journalPath), opts);
    expect(report.skipped.map((r) => r.id)).toEqual(['sg-9']);
    expect(fake.groups.has('sg-9')).toBe(true);
  });

  it('finds leftovers by tag in a region, older than a cutoff, and leaves untagged and recent ones', async () => {
    const fake = new FakeEc2();
    ({ restore } = installFakeEc2(fake));
    const old = new Date(Date.now() - 3 * 3600_000);
    const src = fake.addImage('us-east-1', 'src');
    const base = { region: 'us-east-1', state: 'running' as const, polls: 0, imageId: src.id, instanceType: 't3.micro', volumes: [], hiddenPolls: 0 };
    fake.instances.set('i-old', { ...base, id: 'i-old', groups: ['sg-old'], tags: tag('b-old'), launchTime: old });
    fake.instances.set('i-new', { ...base, id: 'i-new', groups: [], tags: tag('b-new'), launchTime: new Date() });
    fake.instances.set('i-theirs', { ...base, id: 'i-theirs', groups: [], tags: [], launchTime: old });
    fake.groups.set('sg-old', { id: 'sg-old', region: 'us-east-1', name: 'bake_b-old', tags: tag('b-old'), ingress: [] });
    const report = await cleanupAwsLeftovers([], { ...opts, region: 'us-east-1', olderThanMs: 3600_000 });
    expect(report.removed.map((r) => r.id)).toEqual(['i-old', 'sg-old']);
    expect(fake.instances.get('i-new')!.state).toBe('running');
    expect(fake.instances.get('i-theirs')!.state).toBe('running');
  });

  it('strikes removed resources from the journal it is given, and names what it could not remove', async () => {
    const fake = new FakeEc2();
    ({ restore } = installFakeEc2(fake));
    const ctx = makeBuildContext();
    const { journal, ami } = killedRun(fake);
    fake.faults.before = (command) => {
      if (command === 'DeleteKeyPair') throw ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    };
    await expect(cleanupAwsLeftovers(journal, { ...opts, journal: ctx.journal })).rejects.toThrow(
      '1 AWS resource(s) could not be removed: key-pair bake_b-killed in us-east-1 (build bake-test-0001); run `bake cleanup` again',
    );
    expect(Journal.open(ctx.journalPath)).toEqual([]);
    const struck = readFileSync(ctx.journalPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(struck).toEqual(['i-1', ami.id, 'sg-1']);
  });
});
