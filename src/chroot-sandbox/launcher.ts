import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { BakeError } from '../core/errors.js';

/** How long output may trail a command that ended (a daemon it started may hold its output open for ever). */
const DRAIN_MS = 200;
/** The most of one control line bake keeps: the sandbox can write to that pipe too, so nothing it sends may grow without bound. */
const MAX_CONTROL_LINE = 256;
/** FIFO pairs made at once when the pool is empty. */
const FIFO_BATCH = 8;

/** Where the launcher's I/O directory appears inside the sandbox (on the sandbox's own /dev tmpfs, never the image). */
export const SANDBOX_IO = '/dev/.bake';

/**
 * The resident launcher, started once as the sandbox's first process and run by the image's own
 * /bin/sh inside the sandbox (so it has no more power than the commands it starts): for each request
 * id read from bake's pipe it sources the request file bake wrote, in a process orphaned to the
 * sandbox's PID 1 (which reaps it), then reports `ended ID STATUS` on its stdout.
 */
export const LAUNCHER_SCRIPT = `while read -r id; do ( { ( . "${SANDBOX_IO}/$id" ); echo "ended $id $?"; } & ); done`;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** One command started by the launcher. */
export interface SandboxCommand {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The exit status, once the command ended and its output drained (or DRAIN_MS passed). */
  readonly done: Promise<number>;
  /** Signals the command and every process that still carries its BAKE_EXEC_ID. */
  kill(signal: NodeJS.Signals): void;
}

interface Running {
  hold: number[];
  ended: (status: number) => void;
  failed: (err: Error) => void;
}

export interface LauncherOptions {
  /** The I/O directory (a tmpfs the sandbox sees read-only at SANDBOX_IO) as bake reaches it from the host. */
  io: string;
  /** The launcher's stdin (request ids) and stdout (`ended` lines). */
  requests: Writable;
  control: Readable;
  /** Makes FIFOs of these names in the I/O directory (bake cannot: Node has no mkfifo). */
  mkfifo(names: string[]): Promise<void>;
}

/**
 * bake's side of the resident launcher. Each command costs one request file, a FIFO pair for its
 * stdout and stderr, and forks inside the sandbox: no exec of nsenter, setpriv and bwrap per command.
 * A FIFO pair whose writers all closed goes back to the pool; one a leftover daemon still holds is
 * dropped. bake holds each FIFO open for writing itself until the command ended, so output written
 * before bake reads it is never lost and end-of-file means "every writer of the command closed it".
 */
export class Launcher {
  private running = new Map<string, Running>();
  private pool: number[] = [];
  private next = 0;
  private gone?: Error;
  private partial = '';

  constructor(private readonly o: LauncherOptions) {
    o.control.on('data', (c: Buffer) => this.onControl(c.toString('latin1')));
  }

  /** Makes the first FIFO pairs (during the sandbox's start, so the first command does not wait for them). */
  async prepare(): Promise<void> {
    await this.grow();
  }

  /** Fails every running command and refuses new ones: the sandbox ended. */
  close(reason: Error): void {
    this.gone = reason;
    for (const r of this.running.values()) r.failed(reason);
    this.running.clear();
  }

  async run(argv: string[], env: Record<string, string>): Promise<SandboxCommand> {
    if (this.gone) throw this.gone;
    for (const key of Object.keys(env)) {
      if (!NAME.test(key)) throw new BakeError(`chroot: environment variable name ${JSON.stringify(key)} is not a shell name (letters, digits and _)`);
    }
    if (this.pool.length === 0) await this.grow();
    const pair = this.pool.shift()!;
    const id = randomBytes(8).toString('hex');
    const fifos = [`${pair}.out`, `${pair}.err`];
    // Read end first, then bake's own write end: the kernel reports end-of-file to a reader only for writers that opened after it.
    const readers = fifos.map((f) => openSync(`${this.o.io}/${f}`, constants.O_RDONLY | constants.O_NONBLOCK));
    const hold = fifos.map((f) => openSync(`${this.o.io}/${f}`, constants.O_RDWR | constants.O_NONBLOCK));
    const [stdout, stderr] = readers.map((fd) => new Socket({ fd, readable: true, writable: false })) as [Socket, Socket];
    const vars = Object.entries({ ...env, BAKE_EXEC_ID: id }).map(([k, v]) => `${k}=${quote(v)}`);
    writeFileSync(
      `${this.o.io}/${id}`,
      [`exec 3>&1 </dev/null >${SANDBOX_IO}/${fifos[0]} 2>${SANDBOX_IO}/${fifos[1]}`, `export ${vars.join(' ')}`, `${argv.map(quote).join(' ')} 3>&-`, ''].join('\n'),
      { mode: 0o600, flag: 'wx' },
    );
    const ended = new Promise<number>((resolve, reject) => this.running.set(id, { hold, ended: resolve, failed: reject }));
    const eof = [stdout, stderr].map((s) => new Promise<boolean>((r) => (s.readableEnded ? r(true) : s.once('end', () => r(true)).once('close', () => r(s.readableEnded)))));
    const done = ended
      .then(async (status) => {
        const drained = await Promise.race([Promise.all(eof).then((e) => e.every(Boolean)), new Promise<boolean>((r) => setTimeout(() => r(false), DRAIN_MS).unref())]);
        stdout.destroy();
        stderr.destroy();
        if (drained) this.pool.push(pair);
        else this.drop(fifos);
        return status;
      })
      .finally(() => {
        for (const fd of hold) closeQuietly(fd);
        this.forget(id);
      });
    done.catch(() => {
      stdout.destroy();
      stderr.destroy();
      this.drop(fifos);
    });
    this.o.requests.write(`${id}\n`);
    return { stdout, stderr, done, kill: (signal) => void killTagged(id, signal) };
  }

  private onControl(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = (lines.pop() ?? '').slice(0, MAX_CONTROL_LINE);
    for (const line of lines) {
      const m = /^ended ([0-9a-f]{16}) (\d{1,3})$/.exec(line);
      const r = m && this.running.get(m[1]!);
      if (!r) continue;
      this.running.delete(m[1]!);
      // bake's own write ends go now: once the command's processes close theirs, the reader sees end-of-file.
      for (const fd of r.hold.splice(0)) closeQuietly(fd);
      r.ended(Number(m[2]));
    }
  }

  private async grow(): Promise<void> {
    const pairs = Array.from({ length: FIFO_BATCH }, () => this.next++);
    await this.o.mkfifo(pairs.flatMap((p) => [`${p}.out`, `${p}.err`]));
    this.pool.push(...pairs);
  }

  private forget(id: string): void {
    this.running.delete(id);
    try {
      unlinkSync(`${this.o.io}/${id}`);
    } catch {
      // The sandbox's end took it.
    }
  }

  private drop(fifos: string[]): void {
    for (const f of fifos) {
      try {
        unlinkSync(`${this.o.io}/${f}`);
      } catch {
        // Gone already.
      }
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closed already.
  }
}

/** Every process that carries the command's BAKE_EXEC_ID (what it started in the background or under setsid), found from the host's /proc. */
async function killTagged(id: string, signal: NodeJS.Signals): Promise<void> {
  for (const name of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    try {
      if ((await readFile(`/proc/${name}/environ`, 'latin1')).includes(`BAKE_EXEC_ID=${id}\0`)) process.kill(Number(name), signal);
    } catch {
      // Exited, or not ours to read.
    }
  }
}
