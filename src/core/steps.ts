import type { BuildContext } from './context.js';
import { CleanupFailedError, errorText, isAbort, throwIfAborted } from './errors.js';
import { span } from './spans.js';

/**
 * One unit of a builder's work, with the undo of what it created beside it.
 * `run` receives the state produced by the steps before it and returns what it adds; a step that
 * needs `instanceId` cannot be placed before the step producing it (the pipeline's types say so).
 * A step keeps the ids of what it created itself (a `created…` guard in its own closure) and its
 * cleanup removes only those; cleanup runs even when `run` threw half-way.
 */
export interface Step<Needs, Produces> {
  readonly name: string;
  // Property syntax (not method syntax) so that `Needs` is checked contravariantly.
  readonly run: (ctx: BuildContext, state: Needs) => Promise<Produces>;
  readonly cleanup?: (ctx: BuildContext, state: Needs & Partial<Produces>) => Promise<void>;
}

interface AnyStep {
  readonly name: string;
  readonly run: (ctx: BuildContext, state: never) => Promise<unknown>;
  readonly cleanup?: (ctx: BuildContext, state: never) => Promise<void>;
}

/** An ordered list of steps whose state type grows with each step. */
export class Pipeline<Init extends object, S extends object> {
  private constructor(private readonly steps: readonly AnyStep[]) {}

  /** A pipeline whose first step receives `Init`. */
  static start<Init extends object = Record<never, never>>(): Pipeline<Init, Init> {
    return new Pipeline<Init, Init>([]);
  }

  then<P extends object>(step: Step<S, P>): Pipeline<Init, S & P> {
    return new Pipeline<Init, S & P>([...this.steps, step as unknown as AnyStep]);
  }

  get names(): string[] {
    return this.steps.map((s) => s.name);
  }

  /**
   * Runs the steps in order, then the cleanups of every step that started, in reverse order,
   * whatever happened. A cleanup failure is reported and recorded, never thrown past here,
   * except that the run's own error (or, on success, the first cleanup failure) is thrown at the end.
   */
  async run(ctx: BuildContext, initial: Init): Promise<S> {
    const state = { ...initial } as Record<string, unknown>;
    const started: AnyStep[] = [];
    let failure: unknown;
    try {
      for (const step of this.steps) {
        throwIfAborted(ctx.signal);
        started.push(step);
        const produced = await span(ctx.log, 'step', step.name, () => (step.run as (c: BuildContext, s: unknown) => Promise<unknown>)(ctx, state));
        if (produced && typeof produced === 'object') Object.assign(state, produced);
      }
    } catch (err) {
      failure = err;
    }
    const cleanupFailures: string[] = [];
    if (failure && ctx.onError === 'abort' && !isAbort(failure)) {
      ctx.log.warn('-on-error=abort: leaving resources in place for inspection; run `bake cleanup` to remove them');
    } else {
      for (const step of started.reverse()) {
        if (!step.cleanup) continue;
        try {
          await span(ctx.log, 'cleanup', step.name, () => (step.cleanup as (c: BuildContext, s: unknown) => Promise<void>)(ctx, state));
        } catch (err) {
          const text = `cleanup of ${step.name} failed: ${errorText(err)}`;
          ctx.log.error(text);
          cleanupFailures.push(text);
        }
      }
    }
    if (failure) throw failure;
    if (cleanupFailures.length > 0) throw new CleanupFailedError(cleanupFailures.join('; '), state);
    return state as S;
  }

  /**
   * run(), then `finish` makes the build's result from the final state. When every step succeeded
   * but a cleanup failed, the error still carries that result: the image is finished and handed
   * over, so it is reported although the build fails.
   */
  async runTo<R>(ctx: BuildContext, initial: Init, finish: (state: S) => R): Promise<R> {
    let state: S;
    try {
      state = await this.run(ctx, initial);
    } catch (err) {
      if (err instanceof CleanupFailedError) err.result = finish(err.state as S);
      throw err;
    }
    return finish(state);
  }
}
