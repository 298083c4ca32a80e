import { BakeError } from '../core/errors.js';
import type { Communicator, ExecResult } from './types.js';

/**
 * What provisioners get with `"communicator": "none"`, as in Packer: shell-local still runs (it
 * never touches the communicator); anything remote fails with `reason`, which says what to do.
 */
export class NoCommunicator implements Communicator {
  constructor(private readonly reason: string) {}

  private refuse<T>(): Promise<T> {
    return Promise.reject(new BakeError(this.reason));
  }
  exec(): Promise<ExecResult> {
    return this.refuse();
  }
  upload(): Promise<void> {
    return this.refuse();
  }
  uploadData(): Promise<void> {
    return this.refuse();
  }
  download(): Promise<void> {
    return this.refuse();
  }
  async close(): Promise<void> {}
}
