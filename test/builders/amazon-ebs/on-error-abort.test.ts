import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAwsLeftovers } from '../../../src/cloud/aws/index.js';
import { Journal } from '../../../src/core/journal.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { ebsConfig, ebsContext, fakeWithSshd, makeBuilder } from './setup.js';

let sshd: TestSshd;
let env: ReturnType<typeof fakeWithSshd>;

beforeAll(async () => {
  isolateAws();
  process.env.BAKE_CACHE_DIR = mkdtempSync(join(tmpdir(), 'bake-cache-'));
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterEach(() => env?.restore());

describe('amazon-ebs -on-error=abort', () => {
  it('keeps the instance, prints a working ssh command, and bake cleanup removes everything afterwards', async () => {
    env = fakeWithSshd(sshd);
    const ctx = ebsContext(
      async () => {
        throw new Error('shell provisioner: inline[0] exited with 1');
      },
      { onError: 'abort' },
    );
    await expect(makeBuilder(ebsConfig(sshd)).run(ctx)).rejects.toThrow('shell provisioner: inline[0] exited with 1');
    expect(env.fake.bakeTagged()).toHaveLength(3);

    const texts = ctx.events.map((e) => e.text);
    const keyFile = join(process.env.BAKE_CACHE_DIR!, 'keys', 'bake_bake-test-0001.pem');
    expect(texts).toContain(`  ssh -i ${keyFile} -p ${sshd.port} ${sshd.username}@127.0.0.1`);
    expect(texts).toContain(`Remove them with: bake cleanup --build-id ${ctx.buildId}${process.env.BAKE_JOURNAL ? ` --journal ${ctx.journal.path}` : ''}`);
    const out = execFileSync('ssh', ['-i', keyFile, '-p', String(sshd.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', `${sshd.username}@127.0.0.1`, 'echo inside'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(out.trim()).toBe('inside');

    const journal = Journal.open(ctx.journalPath);
    expect(journal.map((r) => r.type).sort()).toEqual(['aws:instance', 'aws:key-pair', 'aws:security-group']);
    const report = await cleanupAwsLeftovers(journal, { dryRun: false, log: ctx.log, signal: new AbortController().signal, journal: ctx.journal });
    expect(report.failed).toEqual([]);
    expect(env.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(ctx.journalPath)).toEqual([]);
  });
});
