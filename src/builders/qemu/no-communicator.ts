import type { Communicator, ExecResult } from '../../communicator/types.js';
import { BakeError } from '../../core/errors.js';

const refuse = () => new BakeError('qemu builder: "communicator" is "none", so provisioners cannot reach the guest; use shell-local or set communicator to "ssh"');

/** What provisioners get with `"communicator": "none"`. */
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
