import { describe, expect, it } from 'vitest';
import { howItEnded } from '../../src/communicator/exit-text.js';

describe('howItEnded', () => {
  it('names the exit code, the signal (as SSH and local processes report it), or the missing status', () => {
    expect(howItEnded({ exitCode: 0 })).toBe('exited with 0');
    expect(howItEnded({ exitCode: 3, exitSignal: 'TERM' })).toBe('exited with 3');
    expect(howItEnded({ exitCode: null, exitSignal: 'SIGKILL' })).toBe('was killed by signal SIGKILL');
    expect(howItEnded({ exitCode: null, exitSignal: 'KILL' })).toBe('was killed by signal SIGKILL');
    expect(howItEnded({ exitCode: null })).toBe('ended without an exit status (the connection or its channel closed before the command reported one)');
  });
});
