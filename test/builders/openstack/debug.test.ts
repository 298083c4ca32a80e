import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import type { Prompter } from '../../../src/core/prompter.js';
import type { TestSshd } from '../../helpers/sshd.js';
import type { FakeOpenstack } from '../../fakes/openstack/index.js';
import { baseConfig, provisioningContext, resolved, useFakeCloudWithSshd } from './harness.js';

// The fake cloud changes a resource's state at each poll: the builder's waits poll without pausing.
const { shortPolls } = await vi.hoisted(() => import('../../helpers/short-waits.js'));
vi.mock('../../../src/core/wait.js', () => shortPolls());

let sshd: TestSshd;
let cloud: FakeOpenstack;
useFakeCloudWithSshd((s) => (sshd = s), (c) => (cloud = c));

describe('openstack builder with -debug on a terminal', () => {
  it("writes the temporary key to the working directory as Packer does (os_<build>.pem), usable while paused", async () => {
    const cwd = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'bake-debug-key-'));
    const keyFile = join(dir, 'os_openstack.pem');
    const pauses: string[] = [];
    let loggedIn = '';
    const base = provisioningContext([]);
    // Enter at every pause; before the server is stopped, log in with the written key as a person would.
    const prompter: Prompter = {
      answer: async (ask) => {
        ask();
        const text = base.events.at(-1)!.text;
        pauses.push(text);
        if (text === "Pausing before step 'stop server'. Press Enter to continue.") {
          loggedIn = execFileSync(
            'ssh',
            ['-i', keyFile, '-p', String(sshd.port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${sshd.username}@127.0.0.1`, 'echo inside'],
            { encoding: 'utf8', timeout: 20_000 },
          );
        }
        return '';
      },
    };
    process.chdir(dir);
    try {
      await new OpenstackBuilder(resolved(baseConfig(cloud, sshd))).run({ ...base, debug: true, prompter });
    } finally {
      process.chdir(cwd);
    }
    expect(base.events.map((e) => e.text)).toContain(`Saving key for debug purposes: ${keyFile}`);
    expect(existsSync(keyFile) && statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(loggedIn).toBe('inside\n');
    expect(pauses).toContain("Pausing before step 'key pair'. Press Enter to continue.");
    expect(cloud.state.leftovers()).toEqual([]);
  });

  it('writes no key without a terminal to pause at (-debug in CI only adds logs)', async () => {
    const cwd = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'bake-debug-key-'));
    process.chdir(dir);
    try {
      await new OpenstackBuilder(resolved(baseConfig(cloud, sshd))).run({ ...provisioningContext([]), debug: true });
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, 'os_openstack.pem'))).toBe(false);
  });
});
