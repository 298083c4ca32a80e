import { describe, expect, it } from 'vitest';
import { BakeError } from '../../src/core/errors.js';
import { waitUntil } from '../../src/core/wait.js';

const down = () => new BakeError('describe AMI ami-1: Unavailable: The service is unavailable.');

describe('waitUntil with tolerated failures', () => {
  it('waits a failing check out until its timeout, then names the last failure', async () => {
    let checks = 0;
    const wait = waitUntil(
      async () => {
        checks++;
        throw down();
      },
      { what: 'AMI ami-1 to be available', minDelayMs: 5, maxDelayMs: 10, maxWaitMs: 150, tolerate: () => true },
    );
    await expect(wait).rejects.toThrow('timed out after 150ms waiting for AMI ami-1 to be available; the last checks failed: describe AMI ami-1: Unavailable: The service is unavailable.');
    expect(checks).toBeGreaterThan(3);
  });

  it('ends as soon as the check answers again', async () => {
    let checks = 0;
    const value = await waitUntil(
      async () => {
        if (++checks < 4) throw down();
        return 'available';
      },
      { what: 'x', minDelayMs: 1, maxDelayMs: 2, maxWaitMs: 10_000, tolerate: () => true },
    );
    expect([value, checks]).toEqual(['available', 4]);
  });

  it('without a timeout (or for an error it does not tolerate) fails at once: a lasting failure never keeps it polling forever', async () => {
    let checks = 0;
    await expect(waitUntil(async () => (checks++, Promise.reject(down())), { what: 'x', minDelayMs: 1, tolerate: () => true })).rejects.toThrow('Unavailable');
    await expect(waitUntil(async () => (checks++, Promise.reject(down())), { what: 'x', minDelayMs: 1, maxWaitMs: 10_000, tolerate: () => false })).rejects.toThrow('Unavailable');
    expect(checks).toBe(2);
  });
});
