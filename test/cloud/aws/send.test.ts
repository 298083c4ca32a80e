import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { send } from '../../../src/cloud/aws/index.js';
import { AbortedError } from '../../../src/core/errors.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { ec2Error } from '../../fakes/ec2/index.js';

const mock = mockClient(EC2Client);
beforeEach(() => isolateAws());
afterEach(() => mock.reset());

describe('send', () => {
  it('retries throttling until EC2 answers', async () => {
    mock.on(DescribeInstancesCommand)
      .rejectsOnce(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'))
      .rejectsOnce(ec2Error('Throttling', 'Rate exceeded'))
      .resolves({ Reservations: [] });
    const out = await send(new EC2Client({ region: 'us-east-1' }), new DescribeInstancesCommand({}), { what: 'list' });
    expect(out).toEqual({ Reservations: [] });
    expect(mock.commandCalls(DescribeInstancesCommand)).toHaveLength(3);
  });

  it('gives up after the attempts and says what failed', async () => {
    mock.on(DescribeInstancesCommand).rejects(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));
    await expect(send(new EC2Client({ region: 'us-east-1' }), new DescribeInstancesCommand({}), { what: 'describe instance i-1', attempts: 2 })).rejects.toThrow(
      'describe instance i-1: RequestLimitExceeded: Request limit exceeded.',
    );
    expect(mock.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
  });

  it('retries not-found only when told the resource was just created', async () => {
    mock.on(DescribeInstancesCommand).rejectsOnce(ec2Error('InvalidInstanceID.NotFound', "The instance ID 'i-1' does not exist")).resolves({});
    const client = new EC2Client({ region: 'us-east-1' });
    await expect(send(client, new DescribeInstancesCommand({}), { what: 'describe instance i-1' })).rejects.toThrow(
      "describe instance i-1: InvalidInstanceID.NotFound: The instance ID 'i-1' does not exist",
    );
    mock.reset();
    mock.on(DescribeInstancesCommand).rejectsOnce(ec2Error('InvalidInstanceID.NotFound', 'gone')).resolves({});
    await expect(send(client, new DescribeInstancesCommand({}), { what: 'x', retryNotFound: true })).resolves.toEqual({});
  });

  it('does not start a call once aborted', async () => {
    mock.on(DescribeInstancesCommand).resolves({});
    await expect(send(new EC2Client({ region: 'us-east-1' }), new DescribeInstancesCommand({}), { what: 'x', signal: AbortSignal.abort() })).rejects.toThrow(AbortedError);
    expect(mock.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });
});
