import { afterAll, beforeAll } from 'vitest';
import { connectSsh } from '../../src/communicator/index.js';
import type { Communicator } from '../../src/communicator/types.js';
import { optionsFor } from '../communicator/ssh-test-options.js';
import { makeProvisionContext } from './context.js';
import { startSshd, type TestSshd } from './sshd.js';

export interface SshSession {
  readonly sshd: TestSshd;
  readonly comm: Communicator;
}

/** For a describe block: a real sshd and one SSH connection to it, opened before its tests and closed after them. */
export function sshSession(): SshSession {
  let sshd: TestSshd | undefined;
  let comm: Communicator | undefined;
  beforeAll(async () => {
    sshd = await startSshd();
    comm = await connectSsh(optionsFor(sshd), makeProvisionContext());
  });
  afterAll(async () => {
    await comm?.close();
    await sshd?.stop();
  });
  return {
    get sshd() {
      if (!sshd) throw new Error('sshSession: the sshd starts in beforeAll');
      return sshd;
    },
    get comm() {
      if (!comm) throw new Error('sshSession: the connection opens in beforeAll');
      return comm;
    },
  };
}
