import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import type { Ec2Server } from '../fakes/ec2/index.js';
import { ebsSshBuilder, ec2WithSshd } from '../helpers/ec2-sshd.js';
import { runBake } from '../helpers/run-bake.js';

// BAKE_TEST_POLL_MS: the fake EC2 changes a resource's state at each poll, so bake polls it without pausing.

// The real `bake` CLI in a child process, reaching the EC2 fake through custom_endpoint_ec2 on
// loopback (BAKE_AWS_LOOPBACK_ONLY=1 and dummy keys come from isolateAws via the environment).
const aws = ec2WithSshd();
let server: Ec2Server;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-ebs-cli-'));
  server = await aws.startServer();
  server.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble');
});
afterEach(() => server?.close());

function template(): string {
  const file = join(dir, 'packer.json');
  const builder = {
    type: 'amazon-ebs',
    custom_endpoint_ec2: server.url,
    ...ebsSshBuilder(aws.sshd),
    ami_name: 'web-{{timestamp}}',
    ami_regions: ['eu-west-1', 'ap-southeast-2'],
    encrypt_boot: true,
  };
  writeFileSync(file, JSON.stringify({ builders: [builder], provisioners: [{ type: 'shell', inline: ['echo provisioned by the CLI'] }] }));
  return file;
}

describe('bake build with amazon-ebs (CLI)', () => {
  it('bakes an encrypted AMI copied to two regions and leaves nothing behind', async () => {
    const run = await runBake(['build', template()], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('provisioned by the CLI');
    const images = [...server.fake.images.values()].filter((i) => i.name.startsWith('web-'));
    expect(images.map((i) => i.region).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(images.every((i) => i.encrypted)).toBe(true);
    for (const i of images) expect(run.stdout).toContain(`${i.region}: ${i.id}`);
    expect(server.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);

    // The SBOM was collected over the real sshd, kept in the run's folder, and each AMI (and copy) names it.
    expect(run.stdout).toMatch(/SBOM: \d+ packages \(dpkg/);
    const kept = readdirSync(join(dir, 'runs'), { recursive: true }).map(String).filter((f) => f.endsWith('sbom.cdx.json'));
    expect(kept).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]+\/amazon-ebs\/sbom\.cdx\.json$/)]);
    const sbom = readFileSync(join(dir, 'runs', kept[0]));
    expect(JSON.parse(sbom.toString()).components.some((c: { name: string }) => c.name === 'openssh-server')).toBe(true);
    const sha = createHash('sha256').update(sbom).digest('hex');
    for (const i of images) expect(i.tags).toContainEqual({ Key: 'bake:sbom-sha256', Value: sha });
    const prov = JSON.parse(readFileSync(join(dir, 'runs', kept[0].replace('sbom.cdx.json', 'provenance.intoto.jsonl')), 'utf8'));
    const statement = JSON.parse(Buffer.from(prov.payload, 'base64').toString());
    expect(statement.subject.map((s: { name: string }) => s.name).sort()).toEqual(images.map((i) => `${i.region}:${i.id}`).sort());
  });

  it('killed with SIGKILL mid-build, then `bake cleanup` removes everything (the journal remembers the endpoint)', async () => {
    let child: ChildProcess | undefined;
    server.fake.faults.before = (command) => {
      if (command === 'StopInstances') child?.kill('SIGKILL');
    };
    const run = await runBake(['build', template()], {
      cwd: dir,
      env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' },
      timeoutMs: 60_000,
      onStdout: (_chunk, c) => (child = c),
    });
    expect(run.signal).toBe('SIGKILL');
    expect(server.fake.bakeTagged().length).toBeGreaterThanOrEqual(3);
    server.fake.faults.before = undefined;

    const journal = Journal.open(join(dir, 'journal.jsonl'));
    expect(journal.map((r) => [r.type, r.details])).toEqual(expect.arrayContaining([['aws:instance', { endpoint: server.url }]]));
    expect(journal.map((r) => r.type).sort()).toEqual(['aws:instance', 'aws:key-pair', 'aws:security-group']);

    const dry = await runBake(['cleanup', '--dry-run'], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000 });
    expect(dry.code).toBe(0);
    expect(server.fake.bakeTagged()).toHaveLength(3);
    const cleanup = await runBake(['cleanup'], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000 });
    expect(cleanup.stderr).toBe('');
    expect(cleanup.code).toBe(0);
    expect(server.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  });

  it('with the journal lost, `bake cleanup --region` finds the leftovers by their bake:build-id tag', async () => {
    let child: ChildProcess | undefined;
    server.fake.faults.before = (command) => {
      if (command === 'StopInstances') child?.kill('SIGKILL');
    };
    const run = await runBake(['build', template()], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000, onStdout: (_chunk, c) => (child = c) });
    expect(run.signal).toBe('SIGKILL');
    server.fake.faults.before = undefined;
    expect(server.fake.bakeTagged().length).toBeGreaterThanOrEqual(3);
    const elsewhere = { BAKE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'bake-no-journal-')), AWS_ENDPOINT_URL_EC2: server.url };
    const cleanup = await runBake(['cleanup', '--region', 'us-east-1'], { cwd: dir, env: elsewhere, timeoutMs: 60_000 });
    expect(cleanup.stderr).toBe('');
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toContain('0 resource(s) left by earlier runs in the journal.');
    expect(server.fake.bakeTagged()).toEqual([]);
  });

  it('Ctrl-C (SIGINT) while the AMI is being made cleans up everything before exiting', async () => {
    let child: ChildProcess | undefined;
    server.fake.faults.before = (command) => {
      if (command === 'CreateImage') child?.kill('SIGINT');
    };
    const run = await runBake(['build', template()], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000, onStdout: (_chunk, c) => (child = c) });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('Deregistering unfinished AMI');
    expect(server.fake.bakeTagged()).toEqual([]);
    expect([...server.fake.images.values()].filter((i) => i.name.startsWith('web-') || i.name.startsWith('bake-'))).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  });
});
