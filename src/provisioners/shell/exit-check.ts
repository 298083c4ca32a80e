import type { ExecResult } from '../../communicator/types.js';
import { BakeError } from '../../core/errors.js';
import type { Logger } from '../../core/events.js';
import { type InlinePosition, splitMarker } from './inline-script.js';

const STDERR_TAIL = 3;

export interface ExitPolicy {
  validExitCodes: number[];
  expectDisconnect?: boolean;
}

/**
 * Throws the one-line failure a user acts on: who (`shell provisioner`), what (`inline[2] "exit 7"`),
 * how it ended and the last lines of stderr: `shell provisioner: inline[2] "exit 7" exited with 7: boom`.
 */
export function checkExit(who: string, label: string, result: ExecResult, policy: ExitPolicy, log: Logger): void {
  const tail = result.stderrTail.map((l) => splitMarker(l).text).filter((l) => l.trim() !== '').slice(-STDERR_TAIL);
  const suffix = tail.length ? `: ${tail.join(' | ')}` : ' (nothing on stderr)';
  if (result.exitCode === null) {
    if (policy.expectDisconnect) {
      log.info(`${label}: the connection closed before it exited, as expect_disconnect allows`);
      return;
    }
    if (result.exitSignal) throw new BakeError(`${who}: ${label} was killed by signal ${result.exitSignal}${suffix}`);
    throw new BakeError(`${who}: ${label}: the connection closed before it exited (set "expect_disconnect": true if it reboots the machine)`);
  }
  if (policy.validExitCodes.includes(result.exitCode)) return;
  const codes = policy.validExitCodes;
  const valid = codes.length === 1 && codes[0] === 0 ? '' : ` (valid_exit_codes: ${codes.join(', ')})`;
  throw new BakeError(`${who}: ${label} exited with ${result.exitCode}${valid}${suffix}`);
}

/** `inline[2] "exit 7"` (`inline[0] line 3 "false"` within a multi-line element) when the failing line is known, else `inline commands`. */
export function inlineLabel(lines: readonly string[], tracked: boolean, at: InlinePosition | undefined): string {
  if (!tracked || at === undefined || at.index >= lines.length) return 'inline commands';
  const parts = lines[at.index].split('\n');
  const n = at.line !== undefined && at.line < parts.length ? at.line : undefined;
  const text = parts[n ?? 0];
  const quoted = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  return n === undefined ? `inline[${at.index}] ${quoted}` : `inline[${at.index}] line ${n + 1} ${quoted}`;
}
