import { unparsedResponse } from './unparsed-response.js';
import { BakeError, errorText, isAbort } from '../../core/errors.js';

/** The EC2 error code of an SDK error ("InvalidInstanceID.NotFound"), or undefined. */
export function awsCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { name?: string; Code?: string; code?: string };
  return e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code;
}

const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'SlowDown']);

export function isThrottle(err: unknown): boolean {
  return THROTTLING.has(awsCode(err) ?? '');
}

const TRANSIENT_CODES = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
// A connection that dropped mid-call. Not ECONNREFUSED or an unknown host: the SDK has already
// retried those, and more tries would only delay the message about a wrong endpoint.
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * Worth another try: throttling, a 5xx, or a connection that dropped or timed out (the SDK's own
 * classification). Whether the call took effect is unknown after a drop: a create retried after
 * one must carry an idempotency token or be found again by name.
 */
export function isTransient(err: unknown): boolean {
  if (isThrottle(err)) return true;
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e || typeof e !== 'object' || e.name === 'AbortError') return false;
  const status = e.$metadata?.httpStatusCode ?? 0;
  // A 500 that is not an AWS answer (an emulator's HTML error page) fails the same way every time;
  // a gateway's 502-504 page may pass.
  const raw = unparsedResponse(err);
  if (raw) return raw.status !== undefined && raw.status >= 502 && raw.status <= 504;
  return status >= 500 || TRANSIENT_CODES.has(awsCode(err) ?? '') || NETWORK_CODES.has(e.code ?? '');
}

/**
 * The SDK's own retry strategy already retried this error as often as `max_retries` allows: it
 * stamps `$metadata.attempts` on every error that passed through it. Retrying again on top would
 * multiply the attempts (10 × 8 for a lasting 5xx) and ignore the template's `max_retries`.
 */
export function retriedBySdk(err: unknown): boolean {
  return typeof (err as { $metadata?: { attempts?: unknown } } | undefined)?.$metadata?.attempts === 'number';
}

/** Errors EC2 returns for a resource created moments ago, before the read side has caught up. */
export function isNotFound(err: unknown): boolean {
  return (awsCode(err) ?? '').endsWith('.NotFound');
}

export function isCredentialsError(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return name === 'CredentialsProviderError' || /Could not load credentials/.test(errorText(err));
}

const CREDENTIALS_HINT =
  'no AWS credentials found: set access_key/secret_key in the template, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ' +
  'or a profile in the shared files (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials; AWS_CONFIG_FILE, default ~/.aws/config; ' +
  'SSO profiles after `aws sso login`); container and instance roles were tried too';

/** One line naming what failed and why, e.g. "amazon-ebs: RunInstances: InsufficientInstanceCapacity: …". */
export function awsError(what: string, err: unknown): Error {
  if (isAbort(err) || err instanceof BakeError) return err as Error;
  if (isCredentialsError(err)) return new BakeError(`${what}: ${CREDENTIALS_HINT}`, { cause: err });
  const code = awsCode(err);
  const text = errorText(err).split('\n')[0];
  return new BakeError(code && !text.startsWith(code) ? `${what}: ${code}: ${text}` : `${what}: ${text}`, { cause: err });
}
