import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Communicator } from '../../../src/communicator/types.js';
import type { BuildContext } from '../../../src/core/context.js';
import { plugin } from '../../../src/builders/amazon-ebs/index.js';
import { makeBuildContext } from '../../helpers/context.js';
import { ebsSshBuilder } from '../../helpers/ec2-sshd.js';
import type { TestSshd } from '../../helpers/sshd.js';
import { FakeEc2, installFakeEc2 } from '../../fakes/ec2/index.js';

/** A fake EC2 whose imported keys land in the test sshd's authorized_keys and whose consoles show its host key, as cloud-init would do. */
export function fakeWithSshd(sshd: TestSshd) {
  const fake = new FakeEc2();
  fake.pollsPerTransition = 1;
  fake.onKeyImported = (publicKey) => appendFileSync(join(sshd.dir, 'authorized_keys'), `${publicKey}\n`);
  fake.hostKeys = [sshd.hostPublicKey];
  const source = fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/ubuntu-noble-24.04-amd64-server-20250101', {
    tags: [{ Key: 'Distro', Value: 'noble' }],
  });
  return { ...installFakeEc2(fake), source };
}

export function ebsConfig(sshd: TestSshd, extra: Record<string, unknown> = {}) {
  return {
    ...ebsSshBuilder(sshd),
    ami_name: 'bake-test-web',
    ...extra,
  };
}

export function makeBuilder(config: Record<string, unknown>) {
  return plugin.create(config as never, { file: 't.json', path: 'builders[0]', templateDir: process.cwd() });
}

export function ebsContext(provision: (comm: Communicator) => Promise<void>, overrides: Partial<BuildContext> = {}) {
  return makeBuildContext({ buildName: 'amazon-ebs', buildType: 'amazon-ebs', provision, ...overrides });
}
