import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/wait.js';
import type { Ec2Server } from '../fakes/ec2/index.js';
import { ebsSshBuilder, ec2WithSshd } from '../helpers/ec2-sshd.js';
import { runBake } from '../helpers/run-bake.js';

// What the run record says about a cloud build: waits with their polls, region copies, API calls
// per operation (counted by the client factory's middleware, checked against the EC2 fake's own
// count), and `bake plan -json -skip-unchanged` for a CI matrix before and after the image exists.
const aws = ec2WithSshd();
let server: Ec2Server;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-record-ebs-'));
  server = await aws.startServer();
  server.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble-20260101', { creationDate: '2026-01-01T00:00:00.000Z' });
});
afterEach(() => server?.close());

function template(): string {
  const builder = {
    type: 'amazon-ebs',
    name: 'web',
    custom_endpoint_ec2: server.url,
    ...ebsSshBuilder(aws.sshd),
    ami_name: 'web-{{timestamp}}',
    ami_regions: ['eu-west-1', 'ap-southeast-2'],
  };
  const file = join(dir, 'web.json');
  writeFileSync(file, JSON.stringify({ builders: [builder], provisioners: [{ type: 'shell', inline: ['echo provisioned'] }] }));
  return file;
}

interface Line {
  build: string;
  data?: Record<string, any>;
}

function lastRecord(): Line[] {
  const runs = join(dir, 'runs');
  const newest = readdirSync(runs).sort().at(-1)!;
  return readFileSync(join(runs, newest), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

async function plan(file: string) {
  const r = await runBake(['plan', '-json', '-skip-unchanged', file], { cwd: dir, env: { BAKE_CACHE_DIR: dir }, timeoutMs: 60_000 });
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n')).toHaveLength(2); // one line of JSON, for $GITHUB_OUTPUT
  return JSON.parse(r.stdout) as { include: Record<string, unknown>[] };
}

describe('the run record of an amazon-ebs build', () => {
  it('has every wait with its polls, each region copy, and the API calls per operation', async () => {
    const file = template();
    const before = await plan(file);
    expect(before.include).toEqual([
      { template: file, stage: 0, name: 'web', type: 'amazon-ebs', regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], skip: false, why: expect.stringMatching(/^fingerprint [0-9a-f]+: no AMI has it yet$/) },
    ]);
    const plain = await runBake(['plan', '-json', file], { cwd: dir, env: { BAKE_CACHE_DIR: dir } });
    expect(JSON.parse(plain.stdout).include).toEqual([{ template: file, stage: 0, name: 'web', type: 'amazon-ebs', regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }]);

    const calls = server.fake.calls.length;
    const run = await runBake(['build', '-skip-unchanged', file], { cwd: dir, env: { BAKE_CACHE_DIR: dir }, timeoutMs: 90_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const record = lastRecord();
    const spans = record.filter((e) => e.build === 'web' && e.data?.span?.phase === 'end').map((e) => e.data!.span);
    const waits = spans.filter((s) => s.kind === 'wait');
    expect(waits.map((w) => w.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^instance i-\w+ to be running$/), expect.stringMatching(/^AMI ami-\w+ in us-east-1 to be available$/), expect.stringMatching(/^AMI ami-\w+ in eu-west-1 to be available$/)]));
    for (const w of waits) expect(w.polls).toBeGreaterThanOrEqual(1);
    expect(spans.filter((s) => s.kind === 'copy').map((s) => [s.name, s.ok]).sort()).toEqual([
      ['AMI to ap-southeast-2', true],
      ['AMI to eu-west-1', true],
    ]);
    const result = record.find((e) => e.data?.build_result)!.data!.build_result;
    const made = server.fake.calls.slice(calls);
    const fakeCount = (op: string) => made.filter((c: { command: string }) => c.command === op).length;
    for (const op of ['RunInstances', 'CopyImage', 'CreateImage', 'DescribeImages', 'DescribeInstances', 'TerminateInstances']) {
      expect(result.api_calls[`ec2:${op}`], op).toBe(fakeCount(op));
    }
    expect(result.api_calls['ec2:CopyImage']).toBe(2);
    // The instance's host key, as read from its console (the fake prints the test sshd's, as cloud-init would).
    expect(result.ssh_host_key).toEqual({ host: `[127.0.0.1]:${aws.sshd.port}`, fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/), type: 'ED25519', method: 'console' });
    expect(record.filter((e) => e.data?.ssh_host_key).map((e) => e.data!.ssh_host_key)).toEqual([result.ssh_host_key]);
    expect(result.artifacts[0].images).toEqual({ 'us-east-1': expect.stringMatching(/^ami-/), 'eu-west-1': expect.stringMatching(/^ami-/), 'ap-southeast-2': expect.stringMatching(/^ami-/) });

    // The next night: the plan says the build would be skipped, and the record says why it was.
    const after = await plan(file);
    expect(after.include[0]).toMatchObject({ skip: true, why: expect.stringMatching(/already built: us-east-1:ami-\w+, eu-west-1:ami-\w+, ap-southeast-2:ami-\w+$/) });
    await sleep(1100); // a later {{timestamp}}: the fingerprint ignores it
    const junit = join(dir, 'junit.xml');
    const again = await runBake(['build', '-skip-unchanged', '-report-junit', junit, file], { cwd: dir, env: { BAKE_CACHE_DIR: dir }, timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    const skipped = lastRecord().find((e) => e.data?.build_result)!.data!.build_result;
    expect(skipped).toMatchObject({ status: 'skipped', skip_reason: expect.stringMatching(/^unchanged \(--skip-unchanged\): fingerprint [0-9a-f]+ already built as us-east-1: ami-/) });
    expect(readFileSync(junit, 'utf8')).toMatch(/<testcase classname="bake\.web\.json" name="web" time="[\d.]+">\n\s+<skipped message="unchanged \(--skip-unchanged\): fingerprint/);
  }, 300_000);
});
