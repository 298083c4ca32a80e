import { describe, expect, it } from 'vitest';
import { AbortedError, BakeError, CleanupFailedError } from '../../src/core/errors.js';
import { Pipeline, type Step } from '../../src/core/steps.js';
import { makeBuildContext } from '../helpers/context.js';

function recordingStep<N, P extends object>(name: string, log: string[], produce: (s: N) => P, fail = false): Step<N, P> {
  return {
    name,
    run: async (_ctx, state) => {
      log.push(`run ${name}`);
      if (fail) throw new BakeError(`${name} failed`);
      return produce(state);
    },
    cleanup: async () => {
      log.push(`cleanup ${name}`);
    },
  };
}

describe('Pipeline', () => {
  it('runs steps in order, passes state forward and cleans up in reverse order', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    const p = Pipeline.start<{ base: number }>()
      .then(recordingStep('a', log, (s) => ({ a: s.base + 1 })))
      .then(
        recordingStep<{ a: number }, { b: number }>('b', log, (s) => {
          seen.push(s.a);
          return { b: s.a * 10 };
        }),
      );
    const out = await p.run(makeBuildContext(), { base: 1 });
    expect(out).toEqual({ base: 1, a: 2, b: 20 });
    expect(seen).toEqual([2]);
    expect(log).toEqual(['run a', 'run b', 'cleanup b', 'cleanup a']);
  });

  it('on failure cleans up the steps that started, including the failing one, and rethrows', async () => {
    const log: string[] = [];
    const p = Pipeline.start()
      .then(recordingStep('a', log, () => ({})))
      .then(recordingStep('b', log, () => ({}), true))
      .then(recordingStep('c', log, () => ({})));
    await expect(p.run(makeBuildContext(), {})).rejects.toThrow('b failed');
    expect(log).toEqual(['run a', 'run b', 'cleanup b', 'cleanup a']);
  });

  it('stops at an abort and still cleans up', async () => {
    const log: string[] = [];
    const ctx = makeBuildContext();
    const p = Pipeline.start()
      .then({
        name: 'a',
        run: async () => {
          log.push('run a');
          ctx.controller.abort(new AbortedError('interrupted'));
          return {};
        },
        cleanup: async () => {
          log.push('cleanup a');
        },
      })
      .then(recordingStep('b', log, () => ({})));
    await expect(p.run(ctx, {})).rejects.toThrow('interrupted');
    expect(log).toEqual(['run a', 'cleanup a']);
  });

  it('reports a failing cleanup, runs the other cleanups, and keeps the run error first', async () => {
    const log: string[] = [];
    const ctx = makeBuildContext();
    const p = Pipeline.start()
      .then(recordingStep('a', log, () => ({})))
      .then({
        name: 'b',
        run: async () => ({}),
        cleanup: async () => {
          throw new Error('instance i-1 still running');
        },
      });
    await expect(p.run(ctx, {})).rejects.toThrow('cleanup of b failed: instance i-1 still running');
    expect(log).toEqual(['run a', 'cleanup a']);
    expect(ctx.events.some((e) => e.level === 'error' && e.text.includes('cleanup of b failed'))).toBe(true);
  });

  it('runTo: a cleanup failing after every step succeeded still carries the finished result', async () => {
    const p = Pipeline.start()
      .then({ name: 'image', run: async () => ({ imageId: 'ami-1' }) })
      .then({
        name: 'key-pair',
        run: async () => ({}),
        cleanup: async () => {
          throw new Error('not authorized');
        },
      });
    const err = await p.runTo(makeBuildContext(), {}, (state) => `artifact ${state.imageId}`).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CleanupFailedError);
    expect((err as CleanupFailedError).message).toBe('cleanup of key-pair failed: not authorized');
    expect((err as CleanupFailedError).result).toBe('artifact ami-1');
  });

  it('runTo: a step that failed carries no result, even when a cleanup failed too', async () => {
    const p = Pipeline.start().then({
      name: 'image',
      run: async () => {
        throw new BakeError('image failed');
      },
      cleanup: async () => {
        throw new Error('not authorized');
      },
    });
    await expect(p.runTo(makeBuildContext(), {}, () => 'artifact')).rejects.toThrow(new BakeError('image failed'));
  });

  it('with -on-error=abort leaves resources in place', async () => {
    const log: string[] = [];
    const ctx = makeBuildContext({ onError: 'abort' });
    const p = Pipeline.start()
      .then(recordingStep('a', log, () => ({})))
      .then(recordingStep('b', log, () => ({}), true));
    await expect(p.run(ctx, {})).rejects.toThrow('b failed');
    expect(log).toEqual(['run a', 'run b']);
  });
});
