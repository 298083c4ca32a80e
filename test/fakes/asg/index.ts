import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { AwsStub } from 'aws-sdk-client-mock';
import { EC2Client } from '@aws-sdk/client-ec2';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { installAutoScaling } from './autoscaling.js';
import { installEc2, installLaunchTemplates } from './ec2.js';
import { FakeAws } from './state.js';

export { FakeAws, FakeAwsError, type FakeGroup, type RefreshScript } from './state.js';

/**
 * A stateful fake of the EC2 and Auto Scaling calls a rollout makes, on aws-sdk-client-mock: every
 * `send` of every client is intercepted (an unknown command throws), and the AWS environment points
 * at dummy credentials and empty config files, so nothing can reach AWS.
 */
export function installFakeAws(): { world: FakeAws; restore: () => void } {
  const saved = { ...process.env };
  const dir = mkdtempSync(join(tmpdir(), 'bake-aws-'));
  writeFileSync(join(dir, 'config'), '');
  writeFileSync(join(dir, 'credentials'), '');
  Object.assign(process.env, {
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    BAKE_AWS_LOOPBACK_ONLY: '1',
  });
  delete process.env.AWS_PROFILE;
  const world = new FakeAws();
  const ec2 = mockClient(EC2Client);
  const asg = mockClient(AutoScalingClient);
  installEc2(ec2, world);
  installAutoScaling(asg, world);
  return {
    world,
    restore: () => {
      ec2.restore();
      asg.restore();
      process.env = saved;
    },
  };
}

/**
 * Auto Scaling, plus launch templates on an EC2 mock another fake already installed (the amazon-ebs
 * fake owns images and instances there), for end-to-end runs of a build followed by a rollout.
 */
export function installAsgBeside(ec2Mock: AwsStub<any, any, any>, imageExists: (region: string, id: string) => boolean): { world: FakeAws; restore: () => void } {
  const world = new FakeAws();
  world.imageExists = imageExists;
  const asg = mockClient(AutoScalingClient);
  installAutoScaling(asg, world);
  installLaunchTemplates(ec2Mock, world);
  return { world, restore: () => asg.restore() };
}
