import type { FinalizeHandler, FinalizeHandlerArguments, FinalizeRequestMiddleware } from '@smithy/types';
import { BakeError } from '../../core/errors.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * Refuses any request whose host is not loopback. Installed when BAKE_AWS_LOOPBACK_ONLY=1 (tests,
 * local emulators) so a missing endpoint setting can never send traffic to real AWS.
 */
export const loopbackGuard: FinalizeRequestMiddleware<object, object> =
  (next: FinalizeHandler<object, object>) => async (args: FinalizeHandlerArguments<object>) => {
    const hostname = (args.request as { hostname?: string }).hostname ?? '';
    if (!isLoopbackHost(hostname)) {
      throw new BakeError(`refusing to send an AWS request to ${hostname}: BAKE_AWS_LOOPBACK_ONLY=1 allows only loopback endpoints`);
    }
    return next(args);
  };
