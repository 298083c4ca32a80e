import { randomBytes } from 'node:crypto';
import type { Communicator } from '../../communicator/types.js';
import { shq } from './shell.js';
import { StateFailure, type Remote } from './types.js';

const TAIL_LINES = 5;

/**
 * Scripts run through `sh -c` (or `sudo -n sh -c` when the login is not root). Output is captured,
 * never streamed to the log: a probe prints facts, not messages.
 */
export function makeRemote(comm: Communicator, options: { sudo: boolean; signal: AbortSignal; tmpDir: string }): Remote {
  const wrap = (script: string) => (options.sudo ? `sudo -n sh -c ${shq(script)}` : `sh -c ${shq(script)}`);
  const run = async (script: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const res = await comm.exec(wrap(script), {
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
      signal: options.signal,
    });
    return { code: res.exitCode ?? -1, ...(res.exitSignal ? { signal: res.exitSignal } : {}), stdout: out.join('\n'), stderr: err.join('\n') };
  };
  return {
    run,
    async must(script, what) {
      const res = await run(script);
      if (res.code !== 0) {
        const tail = res.stderr.trim().split('\n').slice(-TAIL_LINES).join(' | ') || res.stdout.trim().split('\n').slice(-TAIL_LINES).join(' | ');
        const how = res.code >= 0 ? `exited with ${res.code}` : res.signal ? `was killed by signal ${res.signal}` : 'ended without an exit status (connection lost?)';
        throw new StateFailure(`${what} ${how}${tail ? `: ${tail}` : ''}`);
      }
      return res.stdout;
    },
    async upload(data) {
      const path = `${options.tmpDir}/.bake-state-${randomBytes(6).toString('hex')}`;
      await comm.uploadData(data, path, { mode: 0o600, signal: options.signal });
      return path;
    },
  };
}
