import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { cloudInitConsole } from '../../fakes/cloud-init-console.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { ebsConfig, ebsContext, fakeWithSshd, makeBuilder } from './setup.js';

let sshd: TestSshd;
let other: string;
let env: ReturnType<typeof fakeWithSshd>;

beforeAll(async () => {
  isolateAws();
  sshd = await startSshd();
  const second = await startSshd();
  other = second.hostPublicKey;
  await second.stop();
});
afterAll(async () => sshd?.stop());
afterEach(() => env?.restore());

const provisionNothing = async () => {};
const texts = (ctx: ReturnType<typeof ebsContext>, level: string) => ctx.events.filter((e) => e.level === level).map((e) => e.text);

describe('amazon-ebs verifies the instance\'s host key from its console', () => {
  it('takes the key cloud-init printed (read with Latest)', async () => {
    env = fakeWithSshd(sshd);
    const ctx = ebsContext(provisionNothing);
    await makeBuilder(ebsConfig(sshd)).run(ctx);
    const id = [...env.fake.instances.keys()][0];
    expect(env.fake.callsOf('GetConsoleOutput').map((c) => c.input)).toEqual([{ InstanceId: id, Latest: true }]);
    const line = texts(ctx, 'say').find((t) => t.startsWith('SSH host key'));
    expect(line).toMatch(new RegExp(`^SSH host key SHA256:\\S+ \\(ED25519\\) of \\[127\\.0\\.0\\.1\\]:${sshd.port} verified \\(console\\)$`));
    expect(texts(ctx, 'warn')).toEqual([]);
  });

  it('waits for late output (nothing, then half a block) and asks without Latest where the endpoint refuses it', async () => {
    env = fakeWithSshd(sshd);
    env.fake.refuseLatest = true;
    const full = cloudInitConsole([sshd.hostPublicKey]);
    const half = full.slice(0, full.indexOf('-----END SSH HOST KEY FINGERPRINTS-----'));
    env.fake.consoleOutput = (_id, reads) => (reads === 1 ? undefined : reads === 2 ? half : full);
    const ctx = ebsContext(provisionNothing);
    await makeBuilder(ebsConfig(sshd)).run(ctx);
    const calls = env.fake.callsOf('GetConsoleOutput').map((c) => c.input.Latest ?? 'plain');
    expect(calls[0]).toBe(true);
    expect(calls.slice(1)).toEqual(['plain', 'plain', 'plain']);
    expect(texts(ctx, 'say').some((t) => / verified \(console\)$/.test(t))).toBe(true);
    expect(texts(ctx, 'warn')).toEqual([]);
  });

  it('a garbled block is reported and the build falls back to tofu, saying so', async () => {
    env = fakeWithSshd(sshd);
    env.fake.consoleOutput = () =>
      cloudInitConsole([sshd.hostPublicKey])
        .replace(/^ssh-ed25519 (\S{30})\S+/m, 'ssh-ed25519 $1')
        .replace(/^(<14>.*?) 256 SHA256:\S+/m, '$1 256 SHA256:mangled')
        .replace('-----END SSH HOST KEY KEYS-----', 'ssh-foo AAAAB3NzaC1 root@x\r\n-----END SSH HOST KEY KEYS-----');
    const ctx = ebsContext(provisionNothing);
    await makeBuilder(ebsConfig(sshd)).run(ctx);
    const warns = texts(ctx, 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/^ssh: the console of i-\S+ shows cloud-init finished without printing SSH host keys \(garbled ssh-ed25519 key "ssh-ed25519 \S+ root@ip-10-0-0-5…"; key of unknown type "ssh-foo" ignored; the fingerprint block holds no SHA256 fingerprints\): falling back to tofu \(the first key seen is trusted for the rest of the build\) \(ssh_host_key_fallback\)$/);
    expect(texts(ctx, 'say').some((t) => / trusted on first use \(tofu\)$/.test(t))).toBe(true);
  });

  it('a key other than the console\'s fails the build in one line and leaves nothing behind', async () => {
    env = fakeWithSshd(sshd);
    env.fake.hostKeys = [other];
    const ctx = ebsContext(provisionNothing);
    await expect(makeBuilder(ebsConfig(sshd)).run(ctx)).rejects.toThrow(
      new RegExp(`^ssh: host key mismatch for \\[127\\.0\\.0\\.1\\]:${sshd.port}: expected SHA256:\\S+ \\(the console of i-\\S+\\), presented SHA256:\\S+ \\(ED25519\\)$`),
    );
    expect(env.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(ctx.journalPath)).toEqual([]);
  });

  it('ssh_host_key_check "console" chosen in the template has no fallback', async () => {
    env = fakeWithSshd(sshd);
    env.fake.hostKeys = undefined;
    const ctx = ebsContext(provisionNothing);
    await expect(makeBuilder(ebsConfig(sshd, { ssh_host_key_check: 'console' })).run(ctx)).rejects.toThrow(
      /^ssh: cannot verify the host key \(ssh_host_key_check "console"\): the console of i-\S+ shows cloud-init finished without printing SSH host keys; ssh_host_key_fallback "none" forbids connecting without it$/,
    );
    expect(env.fake.bakeTagged()).toEqual([]);
    expect(() => makeBuilder(ebsConfig(sshd, { ssh_host_key_check: 'pin' }))).toThrow(
      't.json: builders[0].ssh_host_key_check: "pin" needs a host key bake gives the machine itself (qemu builds with bake\'s cloud-init seed); use "known_hosts", "tofu" or "insecure"',
    );
  });
});
