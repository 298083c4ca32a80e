import { describe, expect, it } from 'vitest';
import { ROLLOUT_UNDO, signalHandler } from '../../src/cli/signals.js';
import { recordingBus } from '../helpers/context.js';

describe('signals: abort, then say what is left, then stop', () => {
  it('SIGTERM three times: aborts as "terminated", lists what cleanup still removes, exits 143 naming what is left', () => {
    const { bus, lines } = recordingBus();
    const controller = new AbortController();
    let left = ['aws:instance i-1 in us-east-1', 'aws:key-pair bake_x in us-east-1'];
    const exits: number[] = [];
    const handle = signalHandler(bus, controller, { remaining: () => left, exit: (code) => exits.push(code) });
    handle('SIGTERM');
    expect(controller.signal.reason).toMatchObject({ message: 'terminated' });
    handle('SIGTERM');
    expect(exits).toEqual([]);
    left = ['aws:key-pair bake_x in us-east-1'];
    handle('SIGTERM');
    expect(exits).toEqual([143]);
    expect(lines()).toEqual([
      'error: Terminated: cancelling builds and cleaning up...',
      'warn: Cleanup is in progress (still removing aws:instance i-1 in us-east-1, aws:key-pair bake_x in us-east-1). Stopping now would leave resources behind; SIGTERM once more stops anyway, and `bake cleanup` removes what is left.',
      'error: Stopped before cleanup finished: left behind: aws:key-pair bake_x in us-east-1 (listed in the journal; run `bake cleanup` to remove them)',
    ]);
  });

  it('a rollout (nothing listed) names bake rollback too, and Ctrl-C exits 130', () => {
    const { bus, lines } = recordingBus();
    const exits: number[] = [];
    const handle = signalHandler(bus, new AbortController(), { undo: ROLLOUT_UNDO, exit: (code) => exits.push(code) });
    handle('SIGINT');
    handle('SIGINT');
    handle('SIGINT');
    expect(exits).toEqual([130]);
    expect(lines().slice(1)).toEqual([
      'warn: Cleanup is in progress. Stopping now would leave resources behind; Ctrl-C once more stops anyway, and `bake cleanup` (and `bake rollback` for a group left on the new version) removes what is left.',
      'error: Stopped before cleanup finished: what was under way may be left; run `bake cleanup` (and `bake rollback` for a group left on the new version)',
    ]);
  });

  it('a run whose cleanup already removed everything says so', () => {
    const { bus, lines } = recordingBus();
    const handle = signalHandler(bus, new AbortController(), { remaining: () => [], exit: () => {} });
    handle('SIGINT');
    handle('SIGINT');
    handle('SIGINT');
    expect(lines().slice(1)).toEqual([
      'warn: Cleanup is in progress (nothing it created is left in the journal). Stopping now would leave resources behind; Ctrl-C once more stops anyway, and `bake cleanup` removes what is left.',
      'error: Stopped before cleanup finished: nothing it created is left in the journal',
    ]);
  });

  it('a command that builds nothing says what it stops in its own words', () => {
    const { bus, lines } = recordingBus();
    const handle = signalHandler(bus, new AbortController(), { stopping: 'stopping after the deletions under way...', exit: () => {} });
    handle('SIGINT');
    expect(lines()).toEqual(['error: Interrupted: stopping after the deletions under way...']);
  });
});
