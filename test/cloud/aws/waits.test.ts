import { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { terminateInstance, waitInstanceState } from '../../../src/cloud/aws/index.js';
import { EventBus } from '../../../src/core/events.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { FakeEc2, installFakeEc2 } from '../../fakes/ec2/index.js';

let restore: () => void;
let fake: FakeEc2;
const polling = { minDelayMs: 10, maxDelayMs: 20, maxWaitMs: 5000 };
beforeEach(() => {
  isolateAws();
  fake = new FakeEc2();
  ({ restore } = installFakeEc2(fake));
});
afterEach(() => restore());

function instance(state: 'running' | 'shutting-down') {
  const src = fake.addImage('us-east-1', 'src');
  fake.instances.set('i-1', {
    id: 'i-1', region: 'us-east-1', state, polls: 0, imageId: src.id, instanceType: 't3.micro', groups: [], tags: [], launchTime: new Date(), volumes: [], hiddenPolls: 2,
  });
}

describe('instance waits', () => {
  it('terminates an instance EC2 does not show yet, and waits through shutting-down', async () => {
    fake.pollsPerTransition = 3;
    instance('running');
    const events: string[] = [];
    const bus = new EventBus();
    bus.on((e) => events.push(e.text));
    await terminateInstance(new EC2Client({ region: 'us-east-1' }), 'i-1', { signal: AbortSignal.timeout(5000), log: bus.logger('t'), polling });
    expect(fake.instances.get('i-1')!.state).toBe('terminated');
    expect(fake.callsOf('TerminateInstances')).toHaveLength(3);
    expect(fake.callsOf('DescribeInstances').length).toBeGreaterThanOrEqual(3);
    expect(events).toContain('waiting for instance i-1 to be terminated');
  });

  it('fails a wait for "stopped" when the instance is going away, with the reason', async () => {
    instance('shutting-down');
    fake.instances.get('i-1')!.hiddenPolls = 0;
    fake.pollsPerTransition = 100;
    await expect(waitInstanceState(new EC2Client({ region: 'us-east-1' }), 'i-1', ['stopped'], { signal: AbortSignal.timeout(5000), polling })).rejects.toThrow(
      'instance i-1 was terminated while waiting for it to be stopped: no reason given',
    );
  });
});
