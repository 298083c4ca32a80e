import type { ExecResult } from './types.js';

/**
 * How a command ended, for error messages: "exited with 3", "was killed by signal SIGKILL", or,
 * when the server reported neither (the connection dropped, or sshd closed the channel without an
 * exit-status), that it ended without one, rather than a bare "null".
 */
export function howItEnded(result: Pick<ExecResult, 'exitCode' | 'exitSignal'>): string {
  if (result.exitCode !== null) return `exited with ${result.exitCode}`;
  if (result.exitSignal) return `was killed by signal ${result.exitSignal.startsWith('SIG') ? result.exitSignal : `SIG${result.exitSignal}`}`;
  return 'ended without an exit status (the connection or its channel closed before the command reported one)';
}
