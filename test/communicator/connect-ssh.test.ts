import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../src/communicator/connect-ssh.js';
import { AbortedError } from '../../src/core/errors.js';
import { makeProvisionContext } from '../helpers/context.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { optionsFor } from './ssh-test-options.js';

describe('connectSsh waiting', () => {
  let sshd: TestSshd;
  let closedPort: number;
  beforeAll(async () => {
    sshd = await startSshd();
    const closed = await startSshd();
    closedPort = closed.port;
    await closed.stop();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('pauses before the first attempt when pause_before_connecting is set', async () => {
    const ctx = makeProvisionContext();
    const started = Date.now();
    const comm = await connectSsh(optionsFor(sshd, { pause_before_connecting: '1s' }), ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(ctx.events[0].text).toBe('Pausing 1s before connecting…');
    await comm.close();
  });

  it('stops waiting at once when the build is aborted', async () => {
    const controller = new AbortController();
    const ctx = makeProvisionContext({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted')), 500);
    const started = Date.now();
    await expect(connectSsh(optionsFor(sshd, { ssh_port: closedPort, ssh_timeout: '1m' }), ctx)).rejects.toThrow(new AbortedError('interrupted'));
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports progress while waiting', async () => {
    const ctx = makeProvisionContext();
    const connecting = connectSsh(optionsFor(sshd, { ssh_port: closedPort, ssh_timeout: '7s' }), ctx);
    await expect(connecting).rejects.toThrow(`ssh: timed out after 7s (ssh_timeout) connecting to 127.0.0.1:${closedPort}`);
    const progress = ctx.events.filter((e) => e.progress);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatchObject({ text: 'Waiting for SSH to become available…', progress: { label: 'wait', unit: 'seconds', total: 7 } });
    expect(progress[0].progress?.current).toBeGreaterThanOrEqual(5);
  }, 15_000);
});
