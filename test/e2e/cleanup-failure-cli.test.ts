import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import type { Ec2Server } from '../fakes/ec2/index.js';
import { ec2Error } from '../fakes/ec2/model.js';
import { ebsSshBuilder, ec2WithSshd } from '../helpers/ec2-sshd.js';
import { runBake } from '../helpers/run-bake.js';

const aws = ec2WithSshd();
let server: Ec2Server;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-cleanup-failure-'));
  server = await aws.startServer();
  server.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble');
});
afterEach(() => server?.close());

describe('a cleanup that fails after every step succeeded (CLI)', () => {
  it('fails the build naming the leftover, yet reports and manifests the finished AMI and hands it over in the journal', async () => {
    const file = join(dir, 'packer.json');
    const builder = { type: 'amazon-ebs', custom_endpoint_ec2: server.url, ...ebsSshBuilder(aws.sshd), ami_name: 'web-{{timestamp}}' };
    writeFileSync(file, JSON.stringify({ builders: [builder], 'post-processors': [{ type: 'manifest', output: join(dir, 'manifest.json') }] }));
    server.fake.faults.before = (command) => {
      if (command === 'DeleteKeyPair') throw ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    };
    const run = await runBake(['build', file], { cwd: dir, env: { BAKE_CACHE_DIR: dir }, timeoutMs: 60_000 });
    const [ami] = [...server.fake.images.values()].filter((i) => i.name.startsWith('web-'));
    const key = server.fake.callsOf('ImportKeyPair')[0].input.KeyName as string;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`--> amazon-ebs: cleanup of key-pair failed: .*${key}.*UnauthorizedOperation`));
    // …and says how it goes away: bake cleanup, or the AWS CLI command.
    expect(run.stdout).toContain(`; \`bake cleanup\` tries again, or remove it with: aws ec2 delete-key-pair --region us-east-1 --key-name ${key}`);
    expect(run.stdout).toContain(`Builds finished. The artifacts of successful builds, and of builds whose cleanup failed, are:\n--> amazon-ebs: AMIs were created:\nus-east-1: ${ami.id}`);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.builds.map((b: { artifact_id: string }) => b.artifact_id)).toEqual([`us-east-1:${ami.id}`]);
    // The AMI is the build's product, struck from the journal; only the key pair is left for `bake cleanup`.
    expect(Journal.open(join(dir, 'journal.jsonl')).map((r) => `${r.type} ${r.id}`)).toEqual([`aws:key-pair ${key}`]);
    expect(server.fake.bakeTagged()).toEqual([`key-pair ${key}`]);
  });

  it('does not run an amazon-asg rollout: the manifest records the AMI and the summary prints the bake rollout command', async () => {
    // Any Auto Scaling call would land here: none may, since the build fails.
    const asgCalls: string[] = [];
    const asg = createServer((req, res) => {
      asgCalls.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => asg.listen(0, '127.0.0.1', r));
    try {
      const file = join(dir, 'packer.json');
      const builder = { type: 'amazon-ebs', custom_endpoint_ec2: server.url, ...ebsSshBuilder(aws.sshd), ami_name: 'web-{{timestamp}}' };
      const rollout = {
        type: 'amazon-asg',
        custom_endpoint_ec2: server.url,
        custom_endpoint_autoscaling: `http://127.0.0.1:${(asg.address() as AddressInfo).port}`,
        auto_scaling_group_names: ['web'],
        auto_scaling_group_tags: { role: 'web' },
        instance_refresh: { min_healthy_percentage: 50, checkpoint_percentages: [50, 100] },
      };
      writeFileSync(file, JSON.stringify({ builders: [builder], 'post-processors': [{ type: 'manifest', output: join(dir, 'manifest.json') }, rollout] }));
      server.fake.faults.before = (command) => {
        if (command === 'DeleteKeyPair') throw ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.');
      };
      const run = await runBake(['build', file], { cwd: dir, env: { BAKE_CACHE_DIR: dir }, timeoutMs: 60_000 });
      const [ami] = [...server.fake.images.values()].filter((i) => i.name.startsWith('web-'));
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const command = `bake rollout --ami us-east-1=${ami.id} --asg web --asg-tag role=web --min-healthy 50 --checkpoints 50,100`;
      expect(run.stdout).toContain(`amazon-asg: not rolling out ${ami.id}, because the build fails (cleanup of key-pair failed: `);
      expect(run.stdout).toContain(`--> amazon-ebs: amazon-asg: not rolled out (the build failed); to roll it out: ${command}\n`);
      expect(asgCalls).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(manifest.builds.map((b: { artifact_id: string }) => b.artifact_id)).toEqual([`us-east-1:${ami.id}`]);
    } finally {
      asg.close();
    }
  });
});
