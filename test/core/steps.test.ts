import { describe, expect, it } from 'vitest';
import { AbortedError, BakeError, CleanupFailedError } from '../../src/core/errors.js';
import { Pipeline, type Step } from '../../src/core/steps.js';
import type { Prompter } from '../../src/core/prompter.js';
import { makeBuildContext } from '../helpers/context.js';

/** A terminal whose person types these lines, one per question. */
function typing(...lines: string[]): Prompter {
  return {
    answer: async (ask) => {
      ask();
      return lines.shift() ?? '';
    },
  };
}

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

  it('-on-error=ask: "r" runs the failed step again, and the build goes on', async () => {
    const log: string[] = [];
    let tries = 0;
    const ctx = makeBuildContext({ onError: 'ask', prompter: typing('r') });
    const p = Pipeline.start()
      .then({
        name: 'connect',
        run: async () => {
          log.push(`run connect ${++tries}`);
          if (tries === 1) throw new BakeError('not up yet');
          return {};
        },
        cleanup: async () => {
          log.push('cleanup connect');
        },
      })
      .then(recordingStep('b', log, () => ({})));
    await p.run(ctx, {});
    expect(log).toEqual(['run connect 1', 'run connect 2', 'run b', 'cleanup b', 'cleanup connect']);
    expect(ctx.events.map((e) => e.text)).toContain("step 'connect' failed: not up yet");
    expect(ctx.events.map((e) => e.text)).toContain('[c] Clean up and exit, [a] abort without cleanup, [r] retry step?');
  });

  it('keeping a failed build runs each step\'s keep instead of its cleanup, prints how to reach it and the cleanup command', async () => {
    const log: string[] = [];
    const ctx = makeBuildContext({ onError: 'ask', prompter: typing('a') });
    const p = Pipeline.start()
      .then({
        name: 'vm',
        run: async (c) => {
          c.journal.created({ type: 'local:process', id: '4242', details: { match: 'qemu' } });
          return { port: 2222 };
        },
        cleanup: async () => {
          log.push('cleanup vm');
        },
        keep: async (_c, s) => [`The guest: ssh -p ${s.port} root@127.0.0.1`],
      })
      .then({
        name: 'http',
        run: async () => ({}),
        cleanup: async () => {
          log.push('http server closed');
        },
        keep: 'release',
      })
      .then(recordingStep('provision', log, () => ({}), true));
    await expect(p.run(ctx, {})).rejects.toThrow('provision failed');
    expect(log).toEqual(['run provision', 'http server closed']);
    const says = ctx.events.filter((e) => e.level !== 'debug').map((e) => e.text);
    expect(says.slice(-3)).toEqual([
      "-on-error=ask: this build's resources are left in place for inspection",
      'The guest: ssh -p 2222 root@127.0.0.1',
      `Remove them with: bake cleanup --build-id bake-test-0001${process.env.BAKE_JOURNAL ? ` --journal ${ctx.journalPath}` : ''}`,
    ]);
  });
});
