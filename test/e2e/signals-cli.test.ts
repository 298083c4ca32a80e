import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import type { Ec2Server } from '../fakes/ec2/index.js';
import { ebsSshBuilder, ec2WithSshd } from '../helpers/ec2-sshd.js';
import { runBake } from '../helpers/run-bake.js';

// SIGTERM and repeated Ctrl-C sent to the real `bake` CLI in a child process, which reaches the
// EC2 fake over loopback HTTP.
const aws = ec2WithSshd();
let server: Ec2Server;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-signals-'));
  server = await aws.startServer();
  server.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble');
});
afterEach(() => server?.close());

function template(inline: string[] = ['echo provisioned']): string {
  const file = join(dir, 'packer.json');
  const builder = {
    type: 'amazon-ebs',
    custom_endpoint_ec2: server.url,
    ...ebsSshBuilder(aws.sshd),
    ami_name: 'web-{{timestamp}}',
    // Polls once a second, so that a termination the test holds back is seen soon after release.
    aws_polling: { delay_seconds: 1 },
  };
  writeFileSync(file, JSON.stringify({ builders: [builder], provisioners: [{ type: 'shell', inline }] }));
  return file;
}

const env = () => ({ BAKE_CACHE_DIR: dir });
const journal = () => Journal.open(join(dir, 'journal.jsonl'));

/**
 * Interrupts the build at CreateImage, then holds the instance in shutting-down once cleanup
 * terminates it, and sends the second signal while cleanup waits for it.
 */
function interruptTwice(child: () => ChildProcess | undefined): void {
  let terminating = false;
  server.fake.faults.before = (command) => {
    if (command === 'CreateImage') child()?.kill('SIGINT');
    if (command === 'TerminateInstances') {
      server.fake.faults.holdTermination = true;
      terminating = true;
    } else if (terminating && command === 'DescribeInstances') {
      terminating = false;
      child()?.kill('SIGINT');
    }
  };
}

describe('signals through the CLI', () => {
  it('SIGTERM while a provisioner runs: cleans up everything, closes the journal, exits 1 saying it was terminated', async () => {
    let sent = false;
    const started = Date.now();
    const run = await runBake(['build', template(['echo long-step-started', 'sleep 60'])], {
      cwd: dir,
      env: env(),
      timeoutMs: 90_000,
      onStdout: (chunk, child) => {
        if (!sent && chunk.includes('long-step-started')) {
          sent = true;
          child.kill('SIGTERM');
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(run.stdout).toContain('Terminated: cancelling builds and cleaning up...');
    expect(run.stdout).toContain('--> amazon-ebs: aborted: terminated');
    expect(server.fake.callsOf('CreateImage')).toEqual([]);
    expect(server.fake.callsOf('TerminateInstances')).toHaveLength(1);
    expect(server.fake.bakeTagged()).toEqual([]);
    expect(journal()).toEqual([]);
  });

  it('a second Ctrl-C during a slow cleanup says what is still being removed, and cleanup still finishes', async () => {
    let child: ChildProcess | undefined;
    interruptTwice(() => child);
    const run = await runBake(['build', template()], {
      cwd: dir,
      env: env(),
      timeoutMs: 90_000,
      onSpawn: (c) => (child = c),
      onStdout: (chunk) => {
        if (chunk.includes('Cleanup is in progress')) server.fake.faults.holdTermination = false;
      },
    });
    const [instance] = [...server.fake.instances.values()];
    const group = server.fake.callsOf('DeleteSecurityGroup')[0]?.input.GroupId;
    const key = server.fake.callsOf('ImportKeyPair')[0]?.input.KeyName;
    expect(run.stdout).toContain(
      `Cleanup is in progress (still removing aws:instance ${instance.id} in us-east-1, aws:security-group ${group} in us-east-1, aws:key-pair ${key} in us-east-1). Stopping now would leave resources behind; Ctrl-C once more stops anyway, and \`bake cleanup\` removes what is left.`,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('--> amazon-ebs: aborted: interrupted');
    expect(server.fake.bakeTagged()).toEqual([]);
    expect([...server.fake.images.values()].filter((i) => i.name.startsWith('web-'))).toEqual([]);
    expect(journal()).toEqual([]);
  });

  it('a third Ctrl-C stops at once with 130, naming what is left; `bake cleanup` then removes it', async () => {
    let child: ChildProcess | undefined;
    interruptTwice(() => child);
    const runLog = join(dir, 'run.jsonl');
    const run = await runBake(['build', `-run-log=${runLog}`, template()], {
      cwd: dir,
      env: env(),
      timeoutMs: 90_000,
      onSpawn: (c) => (child = c),
      onStdout: (chunk, c) => {
        if (chunk.includes('Cleanup is in progress')) c.kill('SIGINT');
      },
    });
    expect(run.code).toBe(130);
    // The run record is closed with its end even though the builds never returned.
    const ends = readFileSync(runLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.data?.run_end);
    expect(ends).toMatchObject([{ data: { run_end: { failed: 1 } } }]);
    const [instance] = [...server.fake.instances.values()];
    const [group] = [...server.fake.groups.values()];
    const key = server.fake.callsOf('ImportKeyPair')[0]?.input.KeyName;
    expect(run.stdout).toContain(
      `Stopped before cleanup finished: left behind: aws:instance ${instance.id} in us-east-1, aws:security-group ${group.id} in us-east-1, aws:key-pair ${key} in us-east-1 (listed in the journal; run \`bake cleanup\` to remove them)`,
    );
    expect(instance.state).toBe('shutting-down');
    expect(journal().map((r) => r.type).sort()).toEqual(['aws:instance', 'aws:key-pair', 'aws:security-group']);

    server.fake.faults.before = undefined;
    server.fake.faults.holdTermination = false;
    const cleanup = await runBake(['cleanup'], { cwd: dir, env: env(), timeoutMs: 60_000 });
    expect(cleanup.stderr).toBe('');
    expect(cleanup.code).toBe(0);
    expect(server.fake.bakeTagged()).toEqual([]);
    expect(journal()).toEqual([]);
  });
});
