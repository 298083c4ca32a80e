import { createHash } from 'node:crypto';

/**
 * An idempotency token (EC2's ClientToken, at most 64 ASCII characters) that is the same for every
 * retry of one create, in this process or after a lost answer: built from the build id and what
 * the call makes, hashed when too long so that two creates never share one.
 */
export function clientToken(...parts: string[]): string {
  const token = parts.join('-');
  return token.length <= 64 ? token : createHash('sha256').update(token).digest('hex');
}
