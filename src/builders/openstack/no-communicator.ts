import type { Communicator, ExecResult } from '../../communicator/index.js';
import { BakeError } from '../../core/errors.js';

const refuse = () =>
  new BakeError('openstack builder: "communicator" is "none", so provisioners cannot reach the server; use shell-local or set communicator to "ssh"');

/** What provisioners get with `"communicator": "none"`: shell-local still runs, remote provisioners fail plainly. */
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
