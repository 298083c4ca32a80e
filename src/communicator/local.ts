import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AbortedError, reasonText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import type { Communicator, ExecOptions, ExecResult, TransferOptions } from './types.js';

const TAIL_LINES = 5;
/** How long a process group gets between SIGTERM and SIGKILL after an abort. */
const KILL_GRACE_MS = 2000;

/** Calls `onLine` for every complete line of a byte stream; `flush` emits an unterminated last line. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; flush(): void } {
  let partial = '';
  return {
    push(chunk) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    flush() {
      if (partial) onLine(partial.replace(/\r$/, ''));
      partial = '';
    },
  };
}

/**
 * The machine bake runs on, behind the Communicator interface: `shell-local` and post-processors
 * run commands through it. Each command gets its own process group so an abort kills everything
 * it started, not only the shell.
 */
export class LocalCommunicator implements Communicator {
  constructor(private readonly log?: Logger) {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.execFile(['/bin/sh', '-c', command], options);
  }

  /** Runs argv[0] with the rest as arguments, without a shell in between. */
  execFile(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new AbortedError(reasonText(signal.reason)));
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const tail: string[] = [];
      const out = lineSplitter(options.stdout ?? ((l) => this.log?.output(l)));
      const err = lineSplitter((line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        (options.stderr ?? ((l: string) => this.log?.output(l)))(line);
      });
      child.stdout.on('data', (c: Buffer) => (options.stdoutStream ? options.stdoutStream.write(c) : out.push(c)));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        killGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      });
      child.on('close', (code, sig) => {
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        out.flush();
        err.flush();
        if (signal?.aborted) return reject(new AbortedError(reasonText(signal.reason)));
        resolve({ exitCode: code, ...(sig ? { exitSignal: sig.replace(/^SIG/, '') } : {}), stderrTail: tail });
      });
    });
  }

  async upload(src: string, dest: string, options: TransferOptions = {}): Promise<void> {
    await copy(src, dest, options);
  }

  async uploadData(data: Buffer | string, dest: string, options: TransferOptions = {}): Promise<void> {
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, data, { mode: options.mode ?? 0o644 });
    if (options.mode !== undefined) await chmod(dest, options.mode);
    options.onProgress?.(Buffer.byteLength(data), Buffer.byteLength(data));
  }

  async download(src: string, dest: string, options: TransferOptions = {}): Promise<void> {
    await copy(src, dest, options);
  }

  async close(): Promise<void> {}
}

/** A file lands at `dest`; a directory's contents land inside `dest` (created when missing). */
async function copy(src: string, dest: string, options: TransferOptions): Promise<void> {
  const info = await stat(src);
  await mkdir(dirname(dest), { recursive: true });
  await cp(src, dest, { recursive: true, force: true, preserveTimestamps: true });
  if (options.mode !== undefined && info.isFile()) await chmod(dest, options.mode);
  options.onProgress?.(info.size, info.size);
}

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // The group is already gone.
  }
}
