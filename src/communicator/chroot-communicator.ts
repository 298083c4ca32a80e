import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AbortedError, BakeError, reasonText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { HOST_PATH } from './chroot-namespace.js';
import { LineSplitter, Tail } from './line-splitter.js';
import { shellQuote } from './shell-env.js';
import type { Communicator, ExecOptions, ExecResult, TransferOptions } from './types.js';

/** How long a signalled command gets before it is killed; and how long output may trail a command that exited. */
const KILL_GRACE_MS = 2000;
const DRAIN_MS = 200;

/** The environment of every command in the chroot: a root login's, not bake's (the host's PATH or HOME mean nothing there). */
const BASE_ENV = { PATH: HOST_PATH, HOME: '/root', USER: 'root', LOGNAME: 'root', SHELL: '/bin/sh', LANG: 'C.UTF-8' };

/** Where the image's programs run: the chroot-sandbox's Sandbox. */
export interface ChrootProcesses {
  readonly alive: boolean;
  spawn(argv: string[], options: { env: Record<string, string>; stdin: 'pipe' | 'ignore' }): ChildProcess;
}

export interface ChrootOptions {
  log: Logger;
  /** command_wrapper: turns each command (given as one `/bin/sh -c '…'` command) into the one run. */
  wrap?: (command: string) => string;
}

/**
 * Provisioners' view of a mounted image: commands run as root in the image's sandbox (each a child
 * of bake with its own exit code and streams),
 * and files are read and written by `cat`/`tar` running in that chroot, so paths and symlinks of
 * the image resolve inside the image, never on the host (an absolute link like /var/run -> /run
 * would point at the host's /run if bake wrote through the mount from outside).
 */
export class ChrootCommunicator implements Communicator {
  constructor(
    private readonly sandbox: ChrootProcesses,
    private readonly options: ChrootOptions,
  ) {}

  private spawnIn(argv: string[], env: Record<string, string>, stdin: 'pipe' | 'ignore'): ChildProcess {
    return this.sandbox.spawn(argv, { env: { ...BASE_ENV, ...env }, stdin });
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    // The wrapper gets the command as one shell command, so that `nice {{.Command}}` wraps all of it.
    const wrapped = this.options.wrap ? this.options.wrap(`/bin/sh -c ${shellQuote(command)}`) : command;
    return this.run(['/bin/sh', '-c', wrapped], options);
  }

  /** Runs argv in the chroot; settles when the command exits, not when every process it left behind closes its output. */
  private run(argv: string[], options: ExecOptions, input?: NodeJS.ReadableStream | Buffer): Promise<ExecResult> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new AbortedError(reasonText(signal.reason)));
    if (!this.sandbox.alive) return Promise.reject(new BakeError('chroot: the build\'s sandbox is gone'));
    const id = randomBytes(8).toString('hex');
    const child = this.spawnIn(argv, { ...options.env, BAKE_EXEC_ID: id }, input ? 'pipe' : 'ignore');
    const log = this.options.log;
    const tail = new Tail();
    const out = new LineSplitter(options.stdout ?? ((line) => log.output(line)));
    const err = new LineSplitter((line) => {
      tail.add(line);
      (options.stderr ?? ((l: string) => log.output(l)))(line);
    });
    child.stdout!.on('data', (c: Buffer) => (options.stdoutStream ? options.stdoutStream.write(c) : out.push(c)));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    if (input && child.stdin) {
      child.stdin.on('error', () => {});
      if (Buffer.isBuffer(input)) child.stdin.end(input);
      else (input as NodeJS.ReadableStream).pipe(child.stdin);
    }
    return new Promise((resolve, reject) => {
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        killExec(child, id, 'SIGTERM');
        killTimer = setTimeout(() => killExec(child, id, 'SIGKILL'), KILL_GRACE_MS);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new BakeError(`chroot: cannot start a command in the sandbox: ${e.message}`));
      });
      child.on('exit', (code, sig) => {
        // A daemon the command started keeps its stdout open; its output after this is not the command's.
        const drained = new Promise<void>((r) => {
          if (child.stdout!.readableEnded && child.stderr!.readableEnded) return r();
          const timer = setTimeout(r, DRAIN_MS);
          let open = 2;
          const one = () => {
            if (--open === 0) {
              clearTimeout(timer);
              r();
            }
          };
          child.stdout!.once('end', one);
          child.stderr!.once('end', one);
        });
        void drained.then(() => {
          signal?.removeEventListener('abort', onAbort);
          clearTimeout(killTimer);
          child.stdout!.destroy();
          child.stderr!.destroy();
          out.flush();
          err.flush();
          if (signal?.aborted) return reject(new AbortedError(reasonText(signal.reason)));
          resolve({ exitCode: code, ...(sig ? { exitSignal: sig.replace(/^SIG/, '') } : {}), stderrTail: tail.get() });
        });
      });
    });
  }

  /** Runs a transfer helper in the chroot and fails with its stderr when it does not exit 0. */
  private async must(script: string, what: string, options: ExecOptions, input?: NodeJS.ReadableStream | Buffer): Promise<void> {
    const r = await this.run(['/bin/sh', '-c', script], { stdout: () => {}, stderr: () => {}, ...options }, input);
    if (r.exitCode !== 0) throw new BakeError(`chroot: ${what} failed: ${r.stderrTail.join(' | ') || `exit ${r.exitCode ?? r.exitSignal}`}`);
  }

  async upload(src: string, dest: string, options: TransferOptions = {}): Promise<void> {
    const info = await stat(src);
    const what = `upload "${src}" to "${dest}"`;
    const d = shellQuote(dest);
    if (info.isDirectory()) {
      const total = await treeSize(src);
      const tar = spawn('tar', ['-c', '-C', src, '--owner=0', '--group=0', '--numeric-owner', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let sent = 0;
      tar.stdout.on('data', (c: Buffer) => options.onProgress?.(Math.min((sent += c.length), total), total));
      const tarDone = new Promise<number | null>((r) => tar.on('close', r));
      await this.must(`mkdir -p ${d} && tar -x -o -f - -C ${d}`, what, { signal: options.signal }, tar.stdout);
      if ((await tarDone) !== 0) throw new BakeError(`chroot: ${what} failed: tar could not read ${src}`);
      options.onProgress?.(total, total);
      return;
    }
    const mode = (options.mode ?? info.mode & 0o7777).toString(8);
    await this.must(writeScript(dest, mode), what, { signal: options.signal }, createReadStream(src));
    options.onProgress?.(info.size, info.size);
  }

  async uploadData(data: Buffer | string, dest: string, options: TransferOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    await this.must(writeScript(dest, (options.mode ?? 0o644).toString(8)), `upload ${bytes.length} bytes to "${dest}"`, { signal: options.signal }, bytes);
    options.onProgress?.(bytes.length, bytes.length);
  }

  async download(src: string, dest: string, options: TransferOptions = {}): Promise<void> {
    const s = shellQuote(src);
    const what = `download "${src}" to "${dest}"`;
    let kind = '';
    await this.must(`if [ -d ${s} ]; then echo dir; elif [ -e ${s} ]; then stat -c %a ${s}; else echo "${src}: no such file or directory" >&2; exit 1; fi`, what, {
      stdout: (l) => (kind = l.trim()),
      signal: options.signal,
    });
    await mkdir(dirname(dest), { recursive: true });
    if (kind === 'dir') {
      await mkdir(dest, { recursive: true });
      const tar = spawn('tar', ['-x', '-o', '-f', '-', '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] });
      const tarDone = new Promise<number | null>((r) => tar.on('close', r));
      await this.must(`tar -c -C ${s} .`, what, { stdoutStream: tar.stdin, signal: options.signal });
      tar.stdin.end();
      if ((await tarDone) !== 0) throw new BakeError(`chroot: ${what} failed: tar could not write ${dest}`);
      return;
    }
    const file = createWriteStream(dest);
    const closed = new Promise<void>((resolve, reject) => {
      file.once('close', resolve);
      file.once('error', reject);
    });
    try {
      await this.must(`cat ${s}`, what, { stdoutStream: file, signal: options.signal });
    } finally {
      file.end();
    }
    await closed;
    await chmod(dest, options.mode ?? parseInt(kind, 8));
    const size = (await stat(dest)).size;
    options.onProgress?.(size, size);
  }

  async close(): Promise<void> {}
}

/** Writes stdin to a file, parents created; refuses a directory as SFTP uploads do. */
function writeScript(path: string, mode: string): string {
  const dest = shellQuote(path);
  return `if [ -d ${dest} ]; then echo ${shellQuote(`"${path}" is a directory; give the file's full destination path`)} >&2; exit 1; fi; mkdir -p "$(dirname ${dest})" && cat > ${dest} && chmod ${mode} ${dest}`;
}

async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(`${entry.parentPath}/${entry.name}`)).size;
  }
  return total;
}

/**
 * Signals the command's process group and every process that carries its BAKE_EXEC_ID (what it
 * started in the background or under setsid), found from the host's /proc.
 */
function killExec(child: ChildProcess, id: string, sig: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, sig);
  } catch {
    // The group is gone.
  }
  void readdir('/proc').then(async (names) => {
    for (const name of names.filter((n) => /^\d+$/.test(n))) {
      try {
        if ((await readFile(`/proc/${name}/environ`, 'latin1')).includes(`BAKE_EXEC_ID=${id}\0`)) process.kill(Number(name), sig);
      } catch {
        // Exited, or not ours to read.
      }
    }
  });
}
