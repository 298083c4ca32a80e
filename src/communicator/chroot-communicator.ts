import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AbortedError, BakeError, reasonText } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import type { ImageTransfers, SandboxCommand } from '../chroot-sandbox/index.js';
import { HOST_PATH } from './chroot-namespace.js';
import { LineSplitter, Tail } from './line-splitter.js';
import { shellQuote } from './shell-env.js';
import type { Communicator, ExecOptions, ExecResult, TransferOptions } from './types.js';

/** How long a signalled command gets before it is killed; and how long after that bake stops waiting for it. */
const KILL_GRACE_MS = 2000;
const GIVE_UP_MS = 1000;

/** The environment of every command in the chroot: a root login's, not bake's (the host's PATH or HOME mean nothing there). */
const BASE_ENV = { PATH: HOST_PATH, HOME: '/root', USER: 'root', LOGNAME: 'root', SHELL: '/bin/sh', LANG: 'C.UTF-8' };

/** Where the image's programs run: the chroot-sandbox's Sandbox. */
export interface ChrootProcesses {
  readonly alive: boolean;
  run(argv: string[], env: Record<string, string>): Promise<SandboxCommand>;
}

export interface ChrootOptions {
  log: Logger;
  /** Uploads and downloads, done on the host side through the image's root. */
  transfers: ImageTransfers;
  /** command_wrapper: turns each command (given as one `/bin/sh -c '…'` command) into the one run. */
  wrap?: (command: string) => string;
}

/**
 * Provisioners' view of a mounted image: commands run as root in the image's sandbox (each with
 * its own exit code and streams, started by the sandbox's resident launcher), and files are read and written by bake itself through the image's root (chroot-sandbox's
 * ImageTransfers), so paths and symlinks of the image resolve inside the image, never on the host,
 * and no program of the image runs for a transfer.
 */
export class ChrootCommunicator implements Communicator {
  constructor(
    private readonly sandbox: ChrootProcesses,
    private readonly options: ChrootOptions,
  ) {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    // The wrapper gets the command as one shell command, so that `nice {{.Command}}` wraps all of it.
    const wrapped = this.options.wrap ? this.options.wrap(`/bin/sh -c ${shellQuote(command)}`) : command;
    return this.run(['/bin/sh', '-c', wrapped], options);
  }

  /** Runs argv in the chroot; settles when the command exits, not when every process it left behind closes its output. */
  private async run(argv: string[], options: ExecOptions): Promise<ExecResult> {
    const { signal } = options;
    if (signal?.aborted) throw new AbortedError(reasonText(signal.reason));
    if (!this.sandbox.alive) throw new BakeError('chroot: the build\'s sandbox is gone');
    const child = await this.sandbox.run(argv, { ...BASE_ENV, ...options.env });
    const log = this.options.log;
    const tail = new Tail();
    const out = new LineSplitter(options.stdout ?? ((line) => log.output(line)));
    const err = new LineSplitter((line) => {
      tail.add(line);
      (options.stderr ?? ((l: string) => log.output(l)))(line);
    });
    child.stdout.on('data', (c: Buffer) => (options.stdoutStream ? options.stdoutStream.write(c) : out.push(c)));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timers: NodeJS.Timeout[] = [];
    let abandon!: () => void;
    const abandoned = new Promise<never>((_, reject) => (abandon = () => reject(new AbortedError(reasonText(signal?.reason)))));
    const onAbort = () => {
      child.kill('SIGTERM');
      timers.push(setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS));
      // Whatever the image's processes do (the launcher itself killed), an abort ends the wait.
      timers.push(setTimeout(abandon, KILL_GRACE_MS + GIVE_UP_MS));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const status = await Promise.race([child.done, abandoned]);
      out.flush();
      err.flush();
      if (signal?.aborted) throw new AbortedError(reasonText(signal.reason));
      return { exitCode: status, stderrTail: tail.get() };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      timers.forEach(clearTimeout);
    }
  }

  /** Transfers run on the host side through the image's root (ImageTransfers): none of the image's programs. */
  private async transfer(what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      throw new BakeError(`chroot: ${what} failed: ${(err as Error).message.replace(/^chroot: /, '')}`);
    }
  }

  async upload(src: string, dest: string, options: TransferOptions = {}): Promise<void> {
    const info = await stat(src);
    await this.transfer(`upload "${src}" to "${dest}"`, async () => {
      if (info.isDirectory()) {
        const total = await treeSize(src);
        await this.options.transfers.uploadTree(src, dest);
        options.onProgress?.(total, total);
        return;
      }
      await this.options.transfers.uploadFile(src, dest, options.mode ?? info.mode & 0o7777);
      options.onProgress?.(info.size, info.size);
    });
  }

  async uploadData(data: Buffer | string, dest: string, options: TransferOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    await this.transfer(`upload ${bytes.length} bytes to "${dest}"`, () => this.options.transfers.uploadFile(bytes, dest, options.mode ?? 0o644));
    options.onProgress?.(bytes.length, bytes.length);
  }

  async download(src: string, dest: string, options: TransferOptions = {}): Promise<void> {
    await this.transfer(`download "${src}" to "${dest}"`, async () => {
      const kind = this.options.transfers.kind(src);
      if (!kind) throw new BakeError(`${src}: no such file or directory`);
      await mkdir(dirname(dest), { recursive: true });
      if (kind === 'dir') return this.options.transfers.downloadTree(src, dest);
      const size = await this.options.transfers.downloadFile(src, dest, options.mode);
      options.onProgress?.(size, size);
    });
  }

  async close(): Promise<void> {}
}

async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(`${entry.parentPath}/${entry.name}`)).size;
  }
  return total;
}
