import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError } from '../../../src/core/errors.js';
import { Journal } from '../../../src/core/journal.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { ebsConfig, ebsContext, fakeWithSshd, makeBuilder } from './setup.js';

let sshd: TestSshd;
let env: ReturnType<typeof fakeWithSshd> | undefined;

beforeAll(async () => {
  isolateAws();
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterEach(() => env?.restore());

const config = () => ebsConfig(sshd, { ami_regions: ['eu-west-1', 'eu-central-1'], ami_users: ['444455556666'], tags: { Name: 'x' } });

// Ctrl-C arrives while each of these calls is in flight: EC2 still completes it, as the real one would.
const abortPoints = [
  'DescribeImages',
  'ImportKeyPair',
  'CreateSecurityGroup',
  'AuthorizeSecurityGroupIngress',
  'RunInstances',
  'DescribeInstances',
  'StopInstances',
  'CreateImage',
  'CopyImage',
  'ModifyImageAttribute',
];

describe('amazon-ebs Ctrl-C', () => {
  for (const command of abortPoints) {
    it(`at ${command} leaves zero bake-tagged resources and an empty journal`, async () => {
      env = fakeWithSshd(sshd);
      const { fake } = env;
      const ctx = ebsContext(async () => {});
      fake.faults.before = (name) => {
        if (name === command && !ctx.signal.aborted) ctx.controller.abort(new Error('interrupted'));
      };
      await expect(makeBuilder(config()).run(ctx)).rejects.toThrow(AbortedError);
      fake.faults.before = undefined;
      expect(fake.bakeTagged()).toEqual([]);
      expect(Journal.open(ctx.journalPath)).toEqual([]);
    });
  }

  it('during provisioning leaves zero bake-tagged resources', async () => {
    env = fakeWithSshd(sshd);
    const ctx = ebsContext(async (comm) => {
      const running = comm.exec('sleep 30', { signal: ctx.signal });
      setTimeout(() => ctx.controller.abort(new Error('interrupted')), 200);
      await running;
      if (ctx.signal.aborted) throw new AbortedError('interrupted');
    });
    await expect(makeBuilder(config()).run(ctx)).rejects.toThrow(AbortedError);
    expect(env.fake.bakeTagged()).toEqual([]);
    expect([...env.fake.instances.values()].map((i) => i.state)).toEqual(['terminated']);
  });
});
