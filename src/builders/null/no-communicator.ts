import type { Communicator, ExecResult } from '../../communicator/types.js';
import { BakeError } from '../../core/errors.js';

const refuse = () => new BakeError('null builder: "communicator" is "none", so there is no machine to reach; use shell-local, or set ssh_host');

/** What provisioners get with `"communicator": "none"`: shell-local works, anything remote says why it cannot. */
export class NoCommunicator implements Communicator {
  exec(): Promise<ExecResult> {
    return Promise.reject(refuse());
  }
  upload(): Promise<void> {
    return Promise.reject(refuse());
  }
  uploadData(): Promise<void> {
    return Promise.reject(refuse());
  }
  download(): Promise<void> {
    return Promise.reject(refuse());
  }
  async close(): Promise<void> {}
}
