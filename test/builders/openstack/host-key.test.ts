import { describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import type { FakeOpenstack } from '../../fakes/openstack/index.js';
import { cloudInitConsole } from '../../fakes/cloud-init-console.js';
import type { TestSshd } from '../../helpers/sshd.js';
import { baseConfig, provisioningContext, resolved, useFakeCloudWithSshd } from './harness.js';

// The fake cloud changes a resource's state at each poll: the builder's waits poll without pausing.
const { shortPolls } = await vi.hoisted(() => import('../../helpers/short-waits.js'));
vi.mock('../../../src/core/wait.js', () => shortPolls());

let sshd: TestSshd;
let cloud: FakeOpenstack;
useFakeCloudWithSshd(
  (s) => (sshd = s),
  (c) => (cloud = c),
);

async function build() {
  const ctx = provisioningContext([]);
  await new OpenstackBuilder(resolved(baseConfig(cloud, sshd))).run(ctx);
  return { say: ctx.events.filter((e) => e.level === 'say').map((e) => e.text), warn: ctx.events.filter((e) => e.level === 'warn').map((e) => e.text) };
}

describe('openstack verifies the server\'s host key from os-getConsoleOutput', () => {
  it('takes the real sshd\'s key from cloud-init\'s block', async () => {
    const { say, warn } = await build();
    expect(say).toContainEqual(expect.stringMatching(/^Waiting for the SSH host keys on the console of server \S+…$/));
    expect(say).toContainEqual(expect.stringMatching(new RegExp(`^SSH host key SHA256:\\S+ \\(ED25519\\) of \\[127\\.0\\.0\\.1\\]:${sshd.port} verified \\(console\\)$`)));
    expect(warn).toEqual([]);
    expect(cloud.state.requests.filter((r) => r.startsWith('POST') && r.includes('/action')).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps reading a console whose output is late, wrapped at 80 columns like a serial console', async () => {
    const wrapped = cloudInitConsole([sshd.hostPublicKey]).replace(/^(ssh-ed25519 .{60})(.*)$/m, '$1\r\n$2');
    cloud.state.consoleOutput = (_id, reads) => (reads < 3 ? '[    0.000000] Linux version 6.1.0\r\n' : wrapped);
    const { say, warn } = await build();
    expect(cloud.state.consoleReads.values().next().value).toBe(3);
    expect(say).toContainEqual(expect.stringMatching(/ verified \(console\)$/));
    expect(warn).toEqual([]);
  });

  it('a console that never shows keys falls back to tofu after ssh_host_key_timeout, saying so', async () => {
    cloud.state.consoleOutput = () => '[    0.000000] Linux version 6.1.0\r\n-----BEGIN SSH HOST KEY KEYS-----\r\nssh-ed25519 AAAAC3Nz';
    const ctx = provisioningContext([]);
    await new OpenstackBuilder(resolved(baseConfig(cloud, sshd, { ssh_host_key_timeout: '2s' }))).run(ctx);
    const warn = ctx.events.filter((e) => e.level === 'warn').map((e) => e.text);
    expect(warn).toEqual([
      expect.stringMatching(
        /^ssh: the console of server \S+ showed no SSH host keys within 2s \(ssh_host_key_timeout\) \("-----BEGIN SSH HOST KEY KEYS-----" without "-----END SSH HOST KEY KEYS-----" \(partial output\)\): falling back to tofu/,
      ),
    ]);
  });
});
