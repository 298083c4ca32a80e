import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveOpenstack, type OpenstackConfig, type ResolvedOpenstack } from '../../../src/builders/openstack/index.js';
import type { Communicator } from '../../../src/communicator/index.js';
import { Journal } from '../../../src/core/journal.js';
import { makeBuildContext, type TestBuildContext } from '../../helpers/context.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { startFakeOpenstack, type FakeOpenstack } from '../../fakes/openstack/index.js';

/** A template block for the fake cloud, provisioning over the real test sshd. */
export function baseConfig(cloud: FakeOpenstack, sshd: TestSshd, extra: Partial<OpenstackConfig> = {}): OpenstackConfig {
  return {
    identity_endpoint: cloud.authUrl,
    username: 'demo',
    password: 'secret',
    tenant_name: 'demo',
    source_image_name: 'alpine',
    flavor: 'm1.small',
    image_name: 'baked',
    ssh_username: sshd.username,
    ssh_port: sshd.port,
    ssh_timeout: '20s',
    ...extra,
  } as OpenstackConfig;
}

/** Resolved with short waits, and an empty environment so the host's OS_* variables cannot leak in. */
export function resolved(config: OpenstackConfig, env: NodeJS.ProcessEnv = {}): ResolvedOpenstack {
  const r = resolveOpenstack(config, { file: 't.json', path: 'builders[0]', templateDir: process.cwd() });
  r.auth.env = env;
  r.timeouts = { serverMs: 10_000, imageMs: 3_000, deleteMs: 10_000 };
  return r;
}

/** Plays cloud-init: the key pair the server booted with is accepted by the test sshd, and the console shows the sshd's host key. */
export function installKeysOnBoot(cloud: FakeOpenstack, sshd: TestSshd): void {
  cloud.state.hostKeys = [sshd.hostPublicKey];
  cloud.state.onBoot = (_server, publicKey) => {
    if (publicKey) appendFileSync(join(sshd.dir, 'authorized_keys'), `${publicKey}\n`);
  };
}

/** A build context whose provisioning runs a real command over the communicator. */
export function provisioningContext(outputs: string[]): TestBuildContext {
  return makeBuildContext({
    buildName: 'openstack',
    buildType: 'openstack',
    provision: async (comm: Communicator) => {
      const res = await comm.exec('echo provisioned-$((6*7))', { stdout: (l) => outputs.push(l) });
      if (res.exitCode !== 0) throw new Error(`exit ${res.exitCode}`);
    },
  });
}

export function openJournal(ctx: TestBuildContext) {
  return Journal.open(ctx.journalPath).map((r) => `${r.type} ${r.id}`);
}

/**
 * The hooks every openstack test file needs: one real sshd per file, and for each test a fresh
 * fake cloud whose servers accept the build's key. The setters hand them to the file's variables.
 */
export function useFakeCloudWithSshd(setSshd: (s: TestSshd) => void, setCloud: (c: FakeOpenstack) => void): void {
  let sshd: TestSshd;
  let cloud: FakeOpenstack;
  beforeAll(async () => {
    sshd = await startSshd();
    setSshd(sshd);
  }, 30_000);
  afterAll(() => sshd.stop());
  beforeEach(async () => {
    cloud = await startFakeOpenstack();
    installKeysOnBoot(cloud, sshd);
    setCloud(cloud);
  });
  afterEach(() => cloud.close());
}
