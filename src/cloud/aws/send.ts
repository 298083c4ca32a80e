import type { EC2Client } from '@aws-sdk/client-ec2';
import { sleep } from '../../core/wait.js';
import { awsError, isNotFound, isThrottle } from './errors.js';

export interface SendOptions {
  signal?: AbortSignal;
  /** Retry "….NotFound" too: the resource was just created and EC2 is eventually consistent. */
  retryNotFound?: boolean;
  /** What the call does, for the error message: "run instance". */
  what: string;
  attempts?: number;
}

/**
 * Sends one EC2 command, retrying throttling (and, when asked, not-found right after creation)
 * with jittered backoff on top of the SDK's own retries, honouring the signal. Errors become one
 * line: "<what>: <Code>: <message>".
 */
export async function send<O>(client: EC2Client, command: unknown, options: SendOptions): Promise<O> {
  const attempts = options.attempts ?? 8;
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await client.send(command as never, { abortSignal: options.signal })) as O;
    } catch (err) {
      const retryable = isThrottle(err) || (options.retryNotFound === true && isNotFound(err));
      if (!retryable || attempt >= attempts || options.signal?.aborted) throw awsError(options.what, err);
      await sleep(delay / 2 + Math.random() * delay, options.signal);
      delay = Math.min(delay * 2, 5000);
    }
  }
}
