import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCommand } from '../../../src/cli/cleanup-command.js';
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
    const base = ebsContext(
      async () => {
        throw new Error('shell provisioner: inline[0] exited with 1');
      },
      { onError: 'abort' },
    );
    // No owner: the bake that ran the build has exited by the time bake cleanup runs (this test's process has not).
    const ctx = { ...base, journal: new Journal(base.journalPath, base.buildId, base.buildName, null) };
    await expect(makeBuilder(ebsConfig(sshd)).run(ctx)).rejects.toThrow('shell provisioner: inline[0] exited with 1');
    expect(env.fake.bakeTagged()).toHaveLength(3);

    const texts = ctx.events.map((e) => e.text);
    // The temporary key existed only in bake's memory: it is written 0600 where the ssh line finds it.
    const keyFile = join(dirname(base.journalPath), 'keys', `${ctx.buildId}.pem`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const instance = env.fake.bakeTagged().find((r) => r.startsWith('instance '))!.slice('instance '.length);
    const line = texts.find((t) => t.startsWith(`The instance ${instance}: `))?.slice(`The instance ${instance}: `.length);
    expect(line, texts.join('\n')).toBe(`ssh -i '${keyFile}' -p ${sshd.port} ${sshd.username}@127.0.0.1`);
    expect(texts).toContain(`Remove them with: bake cleanup --build-id ${ctx.buildId}${process.env.BAKE_JOURNAL ? ` --journal ${ctx.journal.path}` : ''}`);
    // The test sshd's host key is in no known_hosts: say so to ssh, and never prompt.
    const cmd = line!.replace(/^ssh /, 'ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR ');
    expect(execFileSync('sh', ['-c', `${cmd} echo inside`], { encoding: 'utf8', timeout: 20_000 })).toBe('inside\n');

    const journal = Journal.open(ctx.journalPath);
    expect(journal.map((r) => r.type).sort()).toEqual(['aws:instance', 'aws:key-pair', 'aws:security-group', 'local:path']);
    expect(await cleanupCommand({ buildId: ctx.buildId, journal: ctx.journalPath })).toBe(0);
    expect(env.fake.bakeTagged()).toEqual([]);
    expect(existsSync(keyFile)).toBe(false);
    expect(Journal.open(ctx.journalPath)).toEqual([]);
  });
});
