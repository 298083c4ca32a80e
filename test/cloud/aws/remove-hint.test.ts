import { describe, expect, it } from 'vitest';
import { removeOrSay } from '../../../src/cloud/aws/remove-hint.js';
import { AbortedError } from '../../../src/core/errors.js';

describe('removeOrSay: a failed removal names bake cleanup and the AWS CLI command', () => {
  it('appends the command for each kind of resource', async () => {
    const fail = async () => {
      throw new Error('DependencyViolation: resource has a dependent object');
    };
    await expect(removeOrSay('aws:security-group', 'sg-1', 'eu-west-1', fail)).rejects.toThrow(
      'DependencyViolation: resource has a dependent object; `bake cleanup` tries again, or remove it with: aws ec2 delete-security-group --region eu-west-1 --group-id sg-1',
    );
    await expect(removeOrSay('aws:instance', 'i-1', 'us-east-1', fail)).rejects.toThrow('aws ec2 terminate-instances --region us-east-1 --instance-ids i-1');
  });

  it('passes a result through, and an abort unchanged', async () => {
    await expect(removeOrSay('aws:key-pair', 'k', 'us-east-1', async () => 7)).resolves.toBe(7);
    const abort = new AbortedError('interrupted');
    await expect(
      removeOrSay('aws:key-pair', 'k', 'us-east-1', async () => {
        throw abort;
      }),
    ).rejects.toBe(abort);
  });
});
