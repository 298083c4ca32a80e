import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../src/communicator/connect-ssh.js';
import { makeProvisionContext } from '../helpers/context.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { optionsFor } from './ssh-test-options.js';

/** The authentication methods a client asked sshd for, in order, from sshd's debug log. */
function authRequests(log: string): string[] {
  return [...log.matchAll(/userauth-request for user \S+ service ssh-connection method (\S+)/g)].map((m) => m[1]);
}

describe('SSH authentication attempts', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd({ password: true, extraConfig: ['LogLevel DEBUG1'] });
  });
  afterAll(async () => sshd?.stop());

  it('offers the key first, with no "none" probe and no password try before it', async () => {
    const before = authRequests(sshd.log()).length;
    const comm = await connectSsh(optionsFor(sshd, { ssh_password: 'not-needed' }), makeProvisionContext());
    await comm.close();
    // publickey twice: ssh2 asks whether the key is acceptable, then signs (as OpenSSH's client does).
    expect(authRequests(sshd.log()).slice(before)).toEqual(['publickey', 'publickey']);
  });
});
