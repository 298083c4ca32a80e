import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import type { SkipUnchanged } from '../../../src/core/context.js';
import { FINGERPRINT_TAG } from '../../../src/rollout/index.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { startFakeOpenstack, type FakeOpenstack } from '../../fakes/openstack/index.js';
import { baseConfig, installKeysOnBoot, provisioningContext, resolved } from './harness.js';

// The fake cloud changes a resource's state at each poll: the builder's waits poll without pausing.
const { shortPolls } = await vi.hoisted(() => import('../../helpers/short-waits.js'));
vi.mock('../../../src/core/wait.js', () => shortPolls());

let sshd: TestSshd;
let cloud: FakeOpenstack;
let dir: string;
beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);
afterAll(() => sshd.stop());
beforeEach(async () => {
  cloud = await startFakeOpenstack();
  installKeysOnBoot(cloud, sshd);
  dir = mkdtempSync(join(tmpdir(), 'bake-os-skip-'));
  writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\necho v1\n');
});
afterEach(() => cloud.close());

/** What the template layer hands a build under --skip-unchanged (see PlannedBuild.fingerprint). */
function skip(password: string): SkipUnchanged {
  return {
    template: { builder: { type: 'openstack', image_name: 'baked', password, ssh_timeout: password === 'secret' ? '20s' : '30s' }, provisioners: [{ type: 'shell', script: './setup.sh' }] },
    provisioners: [{ type: 'shell', script: 'setup.sh' }],
    baseDir: dir,
  };
}

async function build(over: Partial<SkipUnchanged> = {}, password = 'secret') {
  const ctx = provisioningContext([]);
  const servers = cloud.state.servers.size;
  const artifact = await new OpenstackBuilder(resolved(baseConfig(cloud, sshd))).run({ ...ctx, skipUnchanged: { ...skip(password), ...over } });
  const say = ctx.events.filter((e) => e.level === 'say').map((e) => e.text);
  return { artifact: artifact!, serversStarted: cloud.state.servers.size - servers, say };
}

describe('openstack with --skip-unchanged', () => {
  it('builds and sets the bake:fingerprint property, then reuses that image without starting a server', async () => {
    const first = await build();
    expect(first.serversStarted).toBe(1);
    const fp = first.artifact.metadata.fingerprint as string;
    expect(first.say).toContain(`Fingerprint ${fp}: no image has it yet; building`);
    expect(cloud.state.images.get(first.artifact.id)!.properties[FINGERPRINT_TAG]).toBe(fp);

    // Credentials and connection options are not part of the fingerprint.
    const second = await build({}, 'rotated');
    expect(second.serversStarted).toBe(0);
    expect(second.artifact.id).toBe(first.artifact.id);
    expect(second.artifact.metadata).toMatchObject({ skipped: true, fingerprint: fp, image_name: 'baked' });
    expect(second.say).toContain(`Skipping: ${first.artifact.id} already has fingerprint ${fp}; no server started`);
    expect(cloud.state.leftovers()).toEqual([]);
  });

  it("rebuilds when a provisioned script's content changes", async () => {
    const first = await build();
    writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\necho v2\n');
    const second = await build();
    expect(second.serversStarted).toBe(1);
    expect(second.artifact.id).not.toBe(first.artifact.id);
    expect(second.artifact.metadata.fingerprint).not.toBe(first.artifact.metadata.fingerprint);
  });
});
