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

/**
 * Packer's amazon-ebs has no no_reboot option: it stops the instance before CreateImage, and a
 * one-time spot instance (which cannot be stopped) is rebooted by CreateImage for a consistent
 * snapshot. bake does the same, so CreateImage never carries NoReboot.
 */
describe('amazon-ebs and CreateImage reboots', () => {
  it('stops the instance first, so CreateImage (without NoReboot) has nothing to reboot', async () => {
    env = fakeWithSshd(sshd);
    await makeBuilder(ebsConfig(sshd)).run(ebsContext(async () => {}));
    expect(env.fake.callsOf('CreateImage').map((c) => c.input.NoReboot)).toEqual([undefined]);
    const [instance] = env.fake.instances.values();
    expect(instance.history).toEqual(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']);
  });

  it('lets CreateImage reboot a spot instance, which cannot be stopped', async () => {
    env = fakeWithSshd(sshd);
    await makeBuilder(ebsConfig(sshd, { spot_price: 'auto' })).run(ebsContext(async () => {}));
    expect(env.fake.callsOf('CreateImage').map((c) => c.input.NoReboot)).toEqual([undefined]);
    const [instance] = env.fake.instances.values();
    // The reboot had begun when the build, done with the instance, terminated it.
    expect(instance.history).toEqual(['pending', 'running', 'stopping', 'shutting-down', 'terminated']);
    expect(env.fake.bakeTagged()).toEqual([]);
  });
});
