import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { ebsConfig, ebsContext, fakeWithSshd, makeBuilder } from './setup.js';

let sshd: TestSshd;
let env: ReturnType<typeof fakeWithSshd>;

beforeAll(async () => {
  isolateAws();
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterEach(() => env?.restore());

describe('amazon-ebs spot instances', () => {
  it('runs a one-time spot instance, tries spot_instance_types in order, images it without stopping it', async () => {
    env = fakeWithSshd(sshd);
    env.fake.faults.noCapacity = ['c5.large'];
    const config = ebsConfig(sshd, { spot_price: '0.05', spot_instance_types: ['c5.large', 'm5.large'], spot_tags: { Purpose: 'bake' } });
    const artifact = await makeBuilder(config).run(ebsContext(async () => {}));
    expect(artifact?.images['us-east-1']).toMatch(/^ami-/);
    const runs = env.fake.callsOf('RunInstances').map((c) => c.input);
    expect(runs.map((r) => r.InstanceType)).toEqual(['c5.large', 'm5.large']);
    expect(runs[1].InstanceMarketOptions).toEqual({
      MarketType: 'spot',
      SpotOptions: { MaxPrice: '0.05', SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    });
    expect(runs[1].TagSpecifications).toContainEqual({ ResourceType: 'spot-instances-request', Tags: expect.arrayContaining([{ Key: 'Purpose', Value: 'bake' }]) });
    expect(env.fake.callsOf('StopInstances')).toEqual([]);
    expect(env.fake.bakeTagged()).toEqual([]);
  });

  it('leaves the price to EC2 with "auto"', async () => {
    env = fakeWithSshd(sshd);
    await makeBuilder(ebsConfig(sshd, { spot_price: 'auto' })).run(ebsContext(async () => {}));
    expect(env.fake.callsOf('RunInstances')[0].input.InstanceMarketOptions).toEqual({
      MarketType: 'spot',
      SpotOptions: { MaxPrice: undefined, SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    });
  });
});
