import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/wait.js';
import type { Ec2Server } from '../fakes/ec2/index.js';
import { ebsSshBuilder, ec2WithSshd } from '../helpers/ec2-sshd.js';
import { runBake } from '../helpers/run-bake.js';

// BAKE_TEST_POLL_MS: the fake EC2 changes a resource's state at each poll, so bake polls it without pausing.

// The real `bake build --skip-unchanged` in a child process against the EC2 fake over loopback
// HTTP (custom_endpoint_ec2), provisioning a real sshd: what a nightly job sees.
const aws = ec2WithSshd();
let server: Ec2Server;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-skip-'));
  server = await aws.startServer();
  server.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble-20260101', { creationDate: '2026-01-01T00:00:00.000Z' });
  writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\necho nightly setup v1\n');
});
afterEach(() => server?.close());

function template(): string {
  const builder = {
    type: 'amazon-ebs',
    custom_endpoint_ec2: server.url,
    ...ebsSshBuilder(aws.sshd),
    ami_name: 'web-{{timestamp}}',
    tags: { Built: '{{isotime}}' },
  };
  const file = join(dir, 'packer.json');
  writeFileSync(
    file,
    JSON.stringify({
      builders: [builder],
      provisioners: [{ type: 'shell', script: 'setup.sh' }],
      'post-processors': [{ type: 'manifest', output: 'manifest.json' }],
    }),
  );
  return file;
}

interface Line {
  level: string;
  text: string;
  data?: { artifact_id?: string; skipped?: boolean };
}

/** One nightly run; each starts in a later second, so {{timestamp}} and {{isotime}} differ. */
async function nightly(file: string) {
  await sleep(1100);
  const before = server.fake.callsOf('RunInstances').length;
  const run = await runBake(['build', '-skip-unchanged', '-machine-readable', file], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  const summary = lines.filter((l) => l.data?.artifact_id !== undefined);
  expect(summary).toHaveLength(1);
  return { lines, texts: lines.map((l) => l.text), summary: summary[0], instances: server.fake.callsOf('RunInstances').length - before };
}

describe('bake build --skip-unchanged (CLI)', () => {
  it('builds, then skips without starting an instance, keeping the AMI and running the post-processors', async () => {
    const file = template();
    const first = await nightly(file);
    expect(first.instances).toBe(1);
    expect(first.summary.data!.skipped).toBe(false);
    expect(first.texts).toContain('nightly setup v1');

    const second = await nightly(file);
    expect(second.instances).toBe(0);
    expect(second.summary.data).toMatchObject({ artifact_id: first.summary.data!.artifact_id, skipped: true });
    const ami = first.summary.data!.artifact_id!.split(':')[1];
    expect(second.texts.find((t) => t.startsWith('Skipping: '))).toMatch(new RegExp(`^Skipping: ${ami} already has fingerprint [0-9a-f]{64}; no instance started$`));
    expect(second.texts).not.toContain('nightly setup v1');
    expect(server.fake.callsOf('ImportKeyPair')).toHaveLength(1);
    expect(server.fake.callsOf('CreateSecurityGroup')).toHaveLength(1);

    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { builds: { artifact_id: string }[] };
    expect(manifest.builds.map((b) => b.artifact_id)).toEqual([first.summary.data!.artifact_id, first.summary.data!.artifact_id]);
    expect(server.fake.bakeTagged()).toEqual([]);
  });

  it("rebuilds when a provisioned script's content changes", async () => {
    const file = template();
    const first = await nightly(file);
    writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\necho nightly setup v2\n');
    const second = await nightly(file);
    expect(second.instances).toBe(1);
    expect(second.summary.data!.skipped).toBe(false);
    expect(second.summary.data!.artifact_id).not.toBe(first.summary.data!.artifact_id);
    expect(second.texts).toContain('nightly setup v2');
  });

  it('rebuilds when a newer source AMI matches the filter', async () => {
    const file = template();
    const first = await nightly(file);
    const newer = server.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble-20260201', { creationDate: '2026-02-01T00:00:00.000Z' });
    const second = await nightly(file);
    expect(second.instances).toBe(1);
    expect(second.summary.data!.artifact_id).not.toBe(first.summary.data!.artifact_id);
    expect(server.fake.callsOf('RunInstances').at(-1)!.input.ImageId).toBe(newer.id);
  });

  it('warns that other builders build as usual, and documents the flag in --help', async () => {
    const file = join(dir, 'local.json');
    writeFileSync(file, JSON.stringify({ builders: [{ type: 'null', communicator: 'none' }], provisioners: [{ type: 'shell-local', inline: ['echo built anyway'] }] }));
    const run = await runBake(['build', '--skip-unchanged', file], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('==> null: Warning: --skip-unchanged: the null builder cannot reuse an earlier image (amazon-ebs and openstack can); building as usual\n');
    expect(run.stdout).toContain('built anyway');
    const help = await runBake(['build', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--skip-unchanged amazon-ebs, openstack: when an image tagged bake:fingerprint');
  });
});
