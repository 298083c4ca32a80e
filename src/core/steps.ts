import type { BuildContext } from './context.js';
import { CleanupFailedError, errorText, isAbort, throwIfAborted } from './errors.js';
import { Journal } from './journal.js';
import { askOnError, decide, decisionFor } from './on-error.js';
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
  /**
   * When a failed build's resources are kept for inspection (-on-error=abort, or "abort" at
   * -on-error=ask), cleanups do not run and bake exits once the failure is reported. `keep` then
   * lets go of what the step holds in bake's own process (a connection, a child's pipes), so that
   * nothing keeps bake running and what the step made outlives it, and returns lines telling how
   * to reach it. "release": the cleanup only releases such things, so it runs as usual.
   */
  readonly keep?: 'release' | ((ctx: BuildContext, state: Needs & Partial<Produces>) => Promise<string[]>);
}

interface AnyStep {
  readonly name: string;
  readonly run: (ctx: BuildContext, state: never) => Promise<unknown>;
  readonly cleanup?: (ctx: BuildContext, state: never) => Promise<void>;
  readonly keep?: 'release' | ((ctx: BuildContext, state: never) => Promise<string[]>);
}

type Untyped = (ctx: BuildContext, state: unknown) => Promise<unknown>;

/** The exact command that removes what one kept build left, with the journal it is in when that is not the default. */
function cleanupCommandFor(ctx: Pick<BuildContext, 'buildId' | 'journal'>): string {
  const journal = process.env.BAKE_JOURNAL ? ` --journal ${ctx.journal.path}` : '';
  return `bake cleanup --build-id ${ctx.buildId}${journal}`;
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
        if (ctx.debug && ctx.prompter) await pause(ctx, `Pausing before step '${step.name}'. Press Enter to continue.`);
        started.push(step);
        const produced = await runStep(ctx, step, state);
        if (produced && typeof produced === 'object') Object.assign(state, produced);
      }
    } catch (err) {
      failure = err;
    }
    const cleanupFailures: string[] = [];
    if (failure && !isAbort(failure) && (ctx.onError === 'abort' || decisionFor(failure) === 'abort')) {
      decide(failure, 'abort');
      await keepAll(ctx, started, state);
    } else {
      for (const step of started.reverse()) {
        if (!step.cleanup) continue;
        if (ctx.debug && ctx.prompter) await pause(ctx, `Pausing before cleanup of step '${step.name}'. Press Enter to continue.`).catch(() => undefined);
        try {
          await span(ctx.log, 'cleanup', step.name, () => (step.cleanup as Untyped)(ctx, state));
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

/** Runs one step; at -on-error=ask a failure is put to the terminal, which may retry the step. */
async function runStep(ctx: BuildContext, step: AnyStep, state: Record<string, unknown>): Promise<unknown> {
  for (;;) {
    try {
      return await span(ctx.log, 'step', step.name, () => (step.run as Untyped)(ctx, state));
    } catch (err) {
      if (ctx.onError !== 'ask' || !ctx.prompter || isAbort(err) || decisionFor(err)) throw err;
      const choice = await askOnError(ctx, `step '${step.name}'`, err, false);
      if (choice === 'retry') continue;
      decide(err, choice === 'abort' ? 'abort' : 'cleanup');
      throw err;
    }
  }
}

async function pause(ctx: BuildContext, text: string): Promise<void> {
  await ctx.prompter!.answer(() => ctx.log.say(text), ctx.signal);
}

/** Keeps what the started steps made, says how to reach it and how to remove it. */
async function keepAll(ctx: BuildContext, started: AnyStep[], state: Record<string, unknown>): Promise<void> {
  const lines: string[] = [];
  for (const step of started) {
    if (!step.keep) continue;
    try {
      if (step.keep === 'release') await (step.cleanup as Untyped | undefined)?.(ctx, state);
      else lines.push(...((await (step.keep as Untyped)(ctx, state)) as string[]));
    } catch (err) {
      ctx.log.error(`${step.name}: ${errorText(err)}`);
    }
  }
  ctx.log.warn(`-on-error=${ctx.onError}: this build's resources are left in place for inspection`);
  for (const line of lines) ctx.log.say(line);
  const journaled = Journal.open(ctx.journal.path).some((r) => r.buildId === ctx.buildId);
  if (journaled) ctx.log.say(`Remove them with: ${cleanupCommandFor(ctx)}`);
}
