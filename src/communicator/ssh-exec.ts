import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { AbortedError, reasonText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { LineSplitter, Tail } from './line-splitter.js';
import { exportPrefix } from './shell-env.js';
import type { ExecOptions, ExecResult } from './types.js';

/**
 * The channel could not be opened, so the command never started. `refused`: the server answered
 * with a refusal (sshd's MaxSessions reached, for one) on a connection that still works; otherwise
 * the connection is gone.
 */
export class ChannelOpenError extends Error {
  constructor(
    message: string,
    readonly refused = false,
  ) {
    super(message);
  }
}

/** How long a signalled command gets to exit before it is killed, and then before bake stops waiting. */
const KILL_GRACE_MS = 2000;

/**
 * Signals every process that carries the command's BAKE_EXEC_ID in its environment: the command
 * and all it started, even after `exec` replaced the shell. The SSH "signal" request is sent too,
 * but sshd refuses it for root logins (no privilege separation after root auth), and closing a
 * non-pty channel leaves the command running.
 */
function killRemote(client: Client, id: string, sig: 'TERM' | 'KILL'): void {
  const script = `for f in $(grep -l -a 'BAKE_EXEC_ID=${id}' /proc/[0-9]*/environ 2>/dev/null); do p=\${f#/proc/}; kill -${sig} "\${p%/environ}" 2>/dev/null; done`;
  try {
    client.exec(script, (err, stream) => {
      if (err) return;
      stream.resume();
      stream.stderr.resume();
    });
  } catch {
    // The connection is gone, and with it the command's session.
  }
}

/** How the command ended, as the server reported it (an exit-status or an exit-signal request). */
interface ExitReport {
  code: number | null;
  signal?: string;
}

interface OpenedChannel {
  stream: ClientChannel;
  /** Filled in when the server reports the exit; still undefined when the channel closes without a report. */
  exit: { report?: ExitReport };
}

/**
 * Opens the channel and starts listening for the exit report in ssh2's own callback, before any
 * `await`: ssh2 parses every packet of one socket read in one pass and emits 'exit' as it parses
 * it, so for a quick command on a busy machine the exec reply, the output, the exit-status and the
 * close all arrive in one read, and an 'exit' listener attached after the promise resumes would
 * miss the status (output and 'close' wait for a reader, so they are not lost).
 */
function openChannel(client: Client, command: string, pty: boolean): Promise<OpenedChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, pty ? { pty: true } : {}, (err, stream) => {
        // ssh2 gives a server's CHANNEL_OPEN_FAILURE its numeric reason code.
        if (err) return reject(new ChannelOpenError(err.message, typeof (err as Error & { reason?: unknown }).reason === 'number'));
        const exit: OpenedChannel['exit'] = {};
        stream.once('exit', (code: number | null, sig?: string) => {
          exit.report = { code: typeof code === 'number' ? code : null, ...(sig ? { signal: sig } : {}) };
        });
        resolve({ stream, exit });
      });
    } catch (err) {
      reject(new ChannelOpenError((err as Error).message));
    }
  });
}

/**
 * Runs one command on an open connection and streams its output line by line. Resolves with the
 * exit code, or null when the connection ended first (an expected reboot looks like that).
 */
export async function execOnClient(client: Client, command: string, options: ExecOptions, log: Logger, pty: boolean): Promise<ExecResult> {
  const signal = options.signal;
  if (signal?.aborted) throw new AbortedError(reasonText(signal.reason));
  const id = randomBytes(8).toString('hex');
  const { stream, exit } = await openChannel(client, `export BAKE_EXEC_ID=${id}; ${exportPrefix(options.env)}${command}`, pty);
  const tail = new Tail();
  const out = new LineSplitter(options.stdout ?? ((line) => log.output(line)));
  const err = new LineSplitter((line) => {
    tail.add(line);
    (options.stderr ?? ((l: string) => log.output(l)))(line);
  });

  return new Promise<ExecResult>((resolve, reject) => {
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = () => {
      settled = true;
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      out.flush();
      err.flush();
    };
    const onAbort = () => {
      stream.signal('TERM');
      killRemote(client, id, 'TERM');
      killTimer = setTimeout(() => {
        killRemote(client, id, 'KILL');
        killTimer = setTimeout(() => {
          if (settled) return;
          finish();
          stream.close();
          reject(new AbortedError(reasonText(signal?.reason)));
        }, KILL_GRACE_MS);
      }, KILL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    stream.on('data', (chunk: Buffer) => {
      if (options.stdoutStream) options.stdoutStream.write(chunk);
      else out.push(chunk);
    });
    stream.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    stream.on('close', () => {
      if (settled) return;
      finish();
      if (signal?.aborted) return reject(new AbortedError(reasonText(signal.reason)));
      const report = exit.report;
      resolve({ exitCode: report?.code ?? null, ...(report?.signal ? { exitSignal: report.signal } : {}), stderrTail: tail.get() });
    });
  });
}
