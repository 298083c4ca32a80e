import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type BakeEvent } from '../../src/core/events.js';
import { Journal } from '../../src/core/journal.js';
import { runBuilds } from '../../src/core/orchestrator.js';
import { registry } from '../../src/plugins/registry.js';
import { loadTemplate } from '../../src/template/index.js';
import { fakeWithSshd } from '../builders/amazon-ebs/setup.js';
import { installAsgBeside, type FakeAws } from '../fakes/asg/index.js';
import { OWNER } from '../fakes/ec2/index.js';
import { ebsSshBuilder, ec2WithSshd } from '../helpers/ec2-sshd.js';

// Template layer, orchestrator, amazon-ebs, shell provisioner over a real sshd, then amazon-asg and
// amazon-ami-retention: all real, in this process. EC2 is the amazon-ebs fake (images, instances)
// with launch templates added, Auto Scaling the rollout fake; a child `bake` could not share them.
const aws = ec2WithSshd();
let dir: string;
let ebs: ReturnType<typeof fakeWithSshd> | undefined;
let asg: { world: FakeAws; restore: () => void } | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-rollout-'));
});
afterEach(() => {
  asg?.restore();
  ebs?.restore();
});

function setup() {
  ebs = fakeWithSshd(aws.sshd);
  const fake = ebs.fake;
  asg = installAsgBeside(ebs.mock, (region, id) => fake.images.get(id)?.region === region);
  const old = fake.addImage('us-east-1', 'web-old', { ownerId: OWNER, creationDate: '2026-01-01T00:00:00.000Z', tags: [{ Key: 'bake:build', Value: 'web' }] });
  const older = fake.addImage('us-east-1', 'web-older', { ownerId: OWNER, creationDate: '2025-12-01T00:00:00.000Z', tags: [{ Key: 'bake:build', Value: 'web' }] });
  const lt = asg.world.addTemplate('us-east-1', 'web-lt', [old.id]);
  const group = asg.world.addGroup('us-east-1', { name: 'web-prod', template: { templateId: lt.id, version: '$Default' }, size: 0 });
  return { old, older, lt, group, world: asg.world };
}

function template(postProcessors: unknown[]): string {
  const file = join(dir, `packer-${Math.random()}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      builders: [
        {
          type: 'amazon-ebs',
          name: 'web',
          ...ebsSshBuilder(aws.sshd),
          ami_name: 'web-{{timestamp}}',
        },
      ],
      provisioners: [{ type: 'shell', inline: ['echo baked'] }],
      'post-processors': [postProcessors],
    }),
  );
  return file;
}

async function run(file: string) {
  const bus = new EventBus();
  const events: BakeEvent[] = [];
  bus.on((e) => events.push(e));
  const journalPath = join(dir, `journal-${Math.random()}.jsonl`);
  const results = await runBuilds({ plan: loadTemplate(file, { registry }), bus, signal: new AbortController().signal, journalPath, parallel: 1 });
  return { results, events, journalPath };
}

const refresh = { poll_interval: '10ms', timeout: '10s' };

describe('bake build → amazon-asg → amazon-ami-retention', () => {
  it('bakes an AMI, rolls it into the group with a refresh, keeps it, and prunes the unused old image', async () => {
    const { old, older, lt, group } = setup();
    const file = template([
      { type: 'amazon-asg', auto_scaling_group_names: ['web-prod'], instance_refresh: refresh },
      { type: 'amazon-ami-retention', keep_latest: 1 },
    ]);
    const { results, events, journalPath } = await run(file);
    expect(results[0].error).toBeUndefined();
    const built = lt.versions.at(-1)!.imageId;
    expect(built).not.toBe(old.id);
    expect(ebs!.fake.images.get(built)?.name).toMatch(/^web-\d+$/);
    expect(lt.defaultVersion).toBe(2);
    expect(group.template).toEqual({ templateId: lt.id, version: '$Default' });
    // The rolled-out AMI survives the chain; the old one stays because version 1 still names it.
    expect(ebs!.fake.images.has(built)).toBe(true);
    expect(ebs!.fake.images.has(old.id)).toBe(true);
    expect(ebs!.fake.images.has(older.id)).toBe(false);
    const texts = events.map((e) => e.text);
    expect(texts).toContain(`web-prod: instance refresh ${asg!.world.region('us-east-1').refreshes[0].id} successful; the group runs ${built}`);
    expect(texts).toContain(`kept ${old.id} (web-old, 2026-01-01) in us-east-1: in use by launch template web-lt version 1`);
    expect(texts).toContain(`removed ${older.id} (web-older, 2025-12-01) in us-east-1 and snapshot(s) ${older.snapshots[0]}`);
    expect(Journal.open(journalPath)).toEqual([]);
  });

  it('a refresh that fails fails the build with AWS\'s reason and leaves the group where it was', async () => {
    const { old, lt, group, world } = setup();
    world.region('us-east-1').scripts.set('web-prod', { failAt: 50, reason: 'Instance failed ELB health checks' });
    const { results } = await run(template([{ type: 'amazon-asg', auto_scaling_group_names: ['web-prod'], instance_refresh: refresh }]));
    expect(results[0].error).toMatch(
      /^post-processors\[0\]\[0\] \(amazon-asg\): Auto Scaling group web-prod in us-east-1: instance refresh refresh-\w+ RollbackSuccessful: Instance failed ELB health checks; the group is back on launch template web-lt version \$Default = 1 \(ami-\w+\)$/,
    );
    expect(lt.versions.map((v) => v.imageId)).toEqual([old.id]);
    expect(lt.defaultVersion).toBe(1);
    expect(group.template).toEqual({ templateId: lt.id, version: '$Default' });
  });

  it('smoke_test runs the commands on an instance of the new AMI before any group changes, then terminates it', async () => {
    const { lt } = setup();
    const smoke = { ssh_username: aws.sshd.username, ssh_port: aws.sshd.port, ssh_timeout: '20s', commands: ['echo smoke-ok', 'test -d /tmp'] };
    const { results, events, journalPath } = await run(template([{ type: 'amazon-asg', auto_scaling_group_names: ['web-prod'], instance_refresh: refresh, smoke_test: smoke }]));
    expect(results[0].error).toBeUndefined();
    const built = lt.versions.at(-1)!.imageId;
    const runs = ebs!.fake.callsOf('RunInstances').map((c) => c.input.ImageId);
    expect(runs).toEqual([runs[0], built]);
    expect(events.filter((e) => e.level === 'output').map((e) => e.text)).toContain('smoke-ok');
    expect([...ebs!.fake.instances.values()].map((i) => i.state)).toEqual(['terminated', 'terminated']);
    expect(ebs!.fake.keyPairs.size).toBe(0);
    expect(Journal.open(journalPath)).toEqual([]);
  });

  it('a failing smoke test fails the build with the command\'s exit code and stderr, and changes no group', async () => {
    const { old, lt, group } = setup();
    const smoke = { ssh_username: aws.sshd.username, ssh_port: aws.sshd.port, ssh_timeout: '20s', commands: ['echo fine', 'echo nginx is not running >&2; exit 3'] };
    const { results } = await run(template([{ type: 'amazon-asg', auto_scaling_group_names: ['web-prod'], instance_refresh: refresh, smoke_test: smoke }]));
    expect(results[0].error).toMatch(/^post-processors\[0\]\[0\] \(amazon-asg\): smoke test of ami-\w+: commands\[1\] exited with 3: nginx is not running; no group was changed$/);
    expect(lt.versions.map((v) => v.imageId)).toEqual([old.id]);
    expect(group.template).toEqual({ templateId: lt.id, version: '$Default' });
    expect([...ebs!.fake.instances.values()].every((i) => i.state === 'terminated')).toBe(true);
    expect(ebs!.fake.keyPairs.size).toBe(0);
  });
});
