import { throwIfAborted } from '../../core/errors.js';
import { sleep } from '../../core/wait.js';
import { awsError, isNotFound, isTransient, retriedBySdk } from './errors.js';
import { endpointOf, unparsedError, unparsedResponse } from './unparsed-response.js';

const NOT_FOUND_ATTEMPTS = 5;

/** Any SDK v3 client (EC2, SSM, Secrets Manager): all `send` needs is its send. */
export interface AwsSender {
  send(command: never, options?: never): Promise<unknown>;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Retry "….NotFound" too: the resource was just created and EC2 is eventually consistent. */
  retryNotFound?: boolean;
  /** What the call does, for the error message: "run instance". */
  what: string;
  attempts?: number;
  /**
   * A call that creates something: an abort does not cut it short (EC2 would create the resource
   * anyway and bake would never learn its id); the signal is checked before it starts instead.
   */
  creates?: boolean;
}

/**
 * Sends one AWS command, retrying throttling, 5xx and dropped connections that the SDK's own retry
 * strategy has not already retried (and, when asked, not-found right after creation) with jittered
 * backoff, honouring the signal. Errors become one line: "<what>: <Code>: <message>".
 */
export async function send<O>(client: AwsSender, command: unknown, options: SendOptions): Promise<O> {
  const attempts = options.attempts ?? 8;
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    try {
      throwIfAborted(options.signal);
      return (await client.send(command as never, (options.creates ? {} : { abortSignal: options.signal }) as never)) as O;
    } catch (err) {
      // What the SDK's retry strategy already retried is not retried again (see retriedBySdk).
      const transient = isTransient(err) && !retriedBySdk(err);
      const retryable = transient || (options.retryNotFound === true && isNotFound(err));
      // EC2 catches up with a creation within seconds; a longer not-found means the resource is gone.
      const limit = transient ? attempts : Math.min(attempts, NOT_FOUND_ATTEMPTS);
      if (!retryable || attempt >= limit || options.signal?.aborted) {
        const raw = unparsedResponse(err);
        throw raw ? unparsedError(options.what, await endpointOf(client), raw, err) : awsError(options.what, err);
      }
      await sleep(delay / 2 + Math.random() * delay, options.signal);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

/**
 * A describe followed through every NextToken page: EC2 pages list calls (and may answer a small
 * page even without MaxResults), so the item that matters can be on any page.
 */
export async function sendAll<O extends { NextToken?: string }, T>(
  client: AwsSender,
  command: (token: string | undefined) => unknown,
  items: (page: O) => T[] | undefined,
  options: SendOptions,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await send<O>(client, command(token), options);
    all.push(...(items(page) ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}
