import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { isolateAws } from '../fakes/ec2/aws-env.js';
import { type Ec2Server, type Emulation, FakeEc2, startEc2Server } from '../fakes/ec2/index.js';
import { startSshd, type TestSshd } from './sshd.js';

export interface Ec2Harness {
  /** Set once the file's tests start. */
  readonly sshd: TestSshd;
  /** The EC2 fake over loopback HTTP, its imported key pairs landing in the sshd's authorized_keys and the sshd's host key on the consoles, as cloud-init would do. */
  startServer(emulation?: Emulation): Promise<Ec2Server>;
}

/** For a whole test file: AWS isolated from the host (dummy keys, loopback only) and one real sshd every build connects to. */
export function ec2WithSshd(): Ec2Harness {
  let sshd: TestSshd | undefined;
  beforeAll(async () => {
    isolateAws();
    sshd = await startSshd();
  });
  afterAll(async () => sshd?.stop());
  const harness: Ec2Harness = {
    get sshd() {
      if (!sshd) throw new Error('ec2WithSshd: the sshd starts in beforeAll');
      return sshd;
    },
    async startServer(emulation?: Emulation) {
      const server = await startEc2Server(new FakeEc2(), emulation);
      const dir = harness.sshd.dir;
      server.fake.onKeyImported = (publicKey) => appendFileSync(join(dir, 'authorized_keys'), `${publicKey}\n`);
      server.fake.hostKeys = [harness.sshd.hostPublicKey];
      return server;
    },
  };
  return harness;
}

/** What every amazon-ebs test template shares: the newest Ubuntu AMI, a small instance, and the test sshd as its SSH. */
export function ebsSshBuilder(sshd: TestSshd) {
  return {
    region: 'us-east-1',
    source_ami_filter: { filters: { name: 'ubuntu/images/*' }, owners: ['099720109477'], most_recent: true },
    instance_type: 't3.micro',
    ssh_username: sshd.username,
    ssh_port: sshd.port,
    ssh_timeout: '20s',
  };
}
