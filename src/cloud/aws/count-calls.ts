import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, InitializeMiddleware } from '@smithy/types';
import { countApiCall } from '../../core/activity.js';

/**
 * Counts every command sent, once per call (the SDK's own retries are not separate calls), as
 * "ec2:DescribeImages", against the build that sent it: the run report's API-call totals.
 */
export function callCounter(service: string): InitializeMiddleware<object, object> {
  return (next: InitializeHandler<object, object>, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
    countApiCall(`${service}:${String(context.commandName ?? 'unknown').replace(/Command$/, '')}`);
    return next(args);
  };
}
