import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBuilds } from '../../../src/core/orchestrator.js';
import { planBuilds } from '../../../src/core/plan-builds.js';
import { registry } from '../../../src/plugins/registry.js';
import { FINGERPRINT_TAG } from '../../../src/rollout/index.js';
import { loadTemplate } from '../../../src/template/index.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { recordingBus } from '../../helpers/context.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { ebsConfig, fakeWithSshd } from './setup.js';

// The real template layer, orchestrator, provisioners (over a real sshd) and builder, with the
// EC2 fake in process: what `bake build --skip-unchanged` does, minus the CLI.
let sshd: TestSshd;
let env: ReturnType<typeof fakeWithSshd>;
let dir: string;
let clock = Date.parse('2026-11-01T02:00:00Z');

beforeAll(async () => {
  isolateAws();
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterEach(() => env?.restore());

function project(): string {
  dir = mkdtempSync(join(tmpdir(), 'bake-skip-'));
  writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\necho installing app\n');
  const template = {
    variables: { app_version: '1.0', api_token: 'tok-Secret-123', key_id: 'AKIDNIGHT1', secret: 'night-secret-1', wait: '20s' },
    'sensitive-variables': ['api_token', 'secret'],
    builders: [
      {
        type: 'amazon-ebs',
        ...ebsConfig(sshd, {
          ami_name: 'web-{{timestamp}}',
          ami_regions: ['eu-west-1'],
          access_key: '{{user `key_id`}}',
          secret_key: '{{user `secret`}}',
          ssh_timeout: '{{user `wait`}}',
          tags: { Version: "{{user `app_version`}}", BuildUuid: '{{uuid}}', Built: '{{isotime}}' },
        }),
      },
    ],
    provisioners: [{ type: 'shell', script: '{{template_dir}}/setup.sh', environment_vars: ["VERSION={{user `app_version`}}", "TOKEN={{user `api_token`}}"] }],
  };
  writeFileSync(join(dir, 'packer.json'), JSON.stringify(template));
  return join(dir, 'packer.json');
}

/** One `bake build --skip-unchanged` run, an hour after the previous one. */
async function build(file: string, vars: Record<string, string> = {}) {
  clock += 3_600_000;
  const plan = loadTemplate(file, { registry, vars, now: new Date(clock) });
  const { bus, lines } = recordingBus();
  const before = { run: env.fake.callsOf('RunInstances').length, keys: env.fake.callsOf('ImportKeyPair').length, groups: env.fake.callsOf('CreateSecurityGroup').length };
  const [result] = await runBuilds({ plan, bus, signal: new AbortController().signal, journalPath: join(dir, 'journal.jsonl'), skipUnchanged: true });
  expect(result.error).toBeUndefined();
  const started = {
    instances: env.fake.callsOf('RunInstances').length - before.run,
    keyPairs: env.fake.callsOf('ImportKeyPair').length - before.keys,
    groups: env.fake.callsOf('CreateSecurityGroup').length - before.groups,
  };
  return { plan, result, artifact: result.artifacts[0], lines: lines(), started };
}

const fingerprintTag = (id: string) => env.fake.images.get(id)?.tags.find((t) => t.Key === FINGERPRINT_TAG)?.Value;

describe('amazon-ebs with --skip-unchanged', () => {
  it('builds once, tags every region, then reuses the AMIs without starting anything, though {{timestamp}}, {{isotime}} and {{uuid}} changed', async () => {
    env = fakeWithSshd(sshd);
    const file = project();
    const first = await build(file);
    expect(first.started).toEqual({ instances: 1, keyPairs: 1, groups: 1 });
    expect(first.result.skipped).toBe(false);
    const fp = first.artifact.metadata.fingerprint as string;
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(first.lines).toContain(`say: Fingerprint ${fp}: no AMI has it yet; building`);
    expect(Object.keys(first.artifact.images)).toEqual(['us-east-1', 'eu-west-1']);
    for (const id of Object.values(first.artifact.images)) expect(fingerprintTag(id)).toBe(fp);

    const second = await build(file);
    expect(second.started).toEqual({ instances: 0, keyPairs: 0, groups: 0 });
    expect(second.result.skipped).toBe(true);
    expect(second.artifact.images).toEqual(first.artifact.images);
    expect(second.artifact.id).toBe(first.artifact.id);
    expect(second.artifact.metadata).toMatchObject({ skipped: true, fingerprint: fp, source_ami: env.source.id, ami_name: first.artifact.metadata.ami_name });
    expect(second.lines).toContain(`say: Skipping: ${first.artifact.images['us-east-1']} already has fingerprint ${fp}; no instance started`);
    // Sorted by region, as Packer lists AMIs.
    expect(second.artifact.description).toBe(`AMIs unchanged, reused (--skip-unchanged):\neu-west-1: ${first.artifact.images['eu-west-1']}\nus-east-1: ${first.artifact.images['us-east-1']}`);
    expect(env.fake.bakeTagged()).toEqual([]);
  });

  it('rebuilds when a provisioned script changes, and skips again after that', async () => {
    env = fakeWithSshd(sshd);
    const file = project();
    const first = await build(file);
    writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\necho installing app 2\n');
    const changed = await build(file);
    expect(changed.started.instances).toBe(1);
    expect(changed.result.skipped).toBe(false);
    expect(changed.artifact.metadata.fingerprint).not.toBe(first.artifact.metadata.fingerprint);
    expect(changed.artifact.images['us-east-1']).not.toBe(first.artifact.images['us-east-1']);
    const again = await build(file);
    expect(again.started.instances).toBe(0);
    expect(again.artifact.images).toEqual(changed.artifact.images);
  });

  it('rebuilds when source_ami_filter finds a newer base image', async () => {
    env = fakeWithSshd(sshd);
    const file = project();
    const first = await build(file);
    const newer = env.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/ubuntu-noble-24.04-amd64-server-20301231', { creationDate: '2030-12-31T00:00:00.000Z' });
    const next = await build(file);
    expect(next.started.instances).toBe(1);
    expect(next.artifact.metadata.source_ami).toBe(newer.id);
    expect(next.artifact.metadata.fingerprint).not.toBe(first.artifact.metadata.fingerprint);
    expect(env.fake.callsOf('RunInstances').at(-1)!.input.ImageId).toBe(newer.id);
  });

  it('rebuilds when a variable changes, not when only credentials or connection options do; secrets stay out of what is hashed', async () => {
    env = fakeWithSshd(sshd);
    const file = project();
    const first = await build(file);
    const source = JSON.stringify(first.plan.builds[0].fingerprint!.template);
    expect(source).not.toContain('tok-Secret-123');
    expect(source).not.toContain('night-secret-1');
    expect(source).toContain('TOKEN=<sensitive>');
    expect(source).toContain('"script":"./setup.sh"');
    expect(source).toContain('"ami_name":"web-0"');
    const rotated = await build(file, { key_id: 'AKIDNIGHT2', secret: 'night-secret-2', wait: '30s', api_token: 'tok-Secret-456' });
    expect(rotated.started.instances).toBe(0);
    expect(rotated.artifact.metadata.fingerprint).toBe(first.artifact.metadata.fingerprint);
    const bumped = await build(file, { app_version: '1.1' });
    expect(bumped.started.instances).toBe(1);
    expect(bumped.artifact.metadata.fingerprint).not.toBe(first.artifact.metadata.fingerprint);
  });

  it('rebuilds when a region lost its copy of the AMI', async () => {
    env = fakeWithSshd(sshd);
    const file = project();
    const first = await build(file);
    env.fake.images.delete(first.artifact.images['eu-west-1']);
    const next = await build(file);
    expect(next.started.instances).toBe(1);
    expect(next.lines).toContain(`say: Fingerprint ${first.artifact.metadata.fingerprint}: no AMI has it yet in eu-west-1; building`);
    expect(next.artifact.metadata.fingerprint).toBe(first.artifact.metadata.fingerprint);
  });

  it('bake plan --skip-unchanged says whether the build would reuse an AMI or build, creating nothing', async () => {
    env = fakeWithSshd(sshd);
    const file = project();
    const planLine = async () => {
      const plan = loadTemplate(file, { registry, now: new Date((clock += 3_600_000)) });
      const [result] = await planBuilds(plan, ['amazon-ebs'], recordingBus().bus, new AbortController().signal, join(dir, 'journal.jsonl'), true);
      return result.lines.find((l) => l.startsWith('--skip-unchanged: '));
    };
    const before = await planLine();
    const first = await build(file);
    const fp = first.artifact.metadata.fingerprint as string;
    expect(before).toBe(`--skip-unchanged: fingerprint ${fp}: no AMI has it yet: would build`);
    expect(await planLine()).toBe(
      `--skip-unchanged: fingerprint ${fp}: would reuse us-east-1:${first.artifact.images['us-east-1']}, eu-west-1:${first.artifact.images['eu-west-1']}; nothing would be built`,
    );
    expect(env.fake.callsOf('RunInstances')).toHaveLength(1);
  });
});
