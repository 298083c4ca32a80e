import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { BakeError } from '../core/errors.js';
import { sleep } from '../core/wait.js';
import { boundingArgs, dropArgs } from './capabilities.js';
import { InRoot, kindOf } from './in-root.js';
import { LAUNCHER_SCRIPT, Launcher, SANDBOX_IO, type SandboxCommand } from './launcher.js';
import { seccompProgram } from './seccomp.js';

/** PATH for the host tools that start the sandbox (nsenter, setpriv, bwrap), whatever bake's own PATH is. */
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The namespace that holds the root's mounts (the chroot builder's holder; an EBS builder's alike). */
export interface Holder {
  /** Its PID on the host. */
  readonly pid: number;
  /** nsenter's arguments that put a command in its namespaces, ending in `--`. */
  enterArgs(): string[];
  /** Runs a host tool inside its namespaces, with `input` on its stdin. */
  run(argv: string[], options?: { input?: string }): Promise<string>;
}

export interface SandboxOptions {
  holder: Holder;
  /** The root filesystem's mount point inside the holder's mount namespace, everything below it mounted. */
  root: string;
  /** A directory of bake's own inside the holder's view (for the sandbox's read-only sysfs). */
  stateDir: string;
}

/** The API filesystems the sandbox mounts itself: these must be plain directories of the image. */
const API_DIRS = ['/proc', '/sys', '/dev'];

function pidNamespace(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Where everything the image runs runs, in the spirit of systemd-nspawn and bubblewrap (whose `bwrap`
 * it uses): the image's root as `/` through pivot_root (no path, /proc link or file descriptor leads
 * to the host's), its own PID namespace, fresh /proc with /proc/sys read-only, a read-only /sys, a
 * minimal /dev, a capability bounding set without CAP_SYS_ADMIN and the machine's capabilities
 * (capabilities.ts), no_new_privs, and a seccomp filter (seccomp.ts). Nothing here knows where the
 * root filesystem came from: the holder has mounted it (nodev) with whatever lies below.
 *
 * The sandbox is built once per build: its first process is the resident launcher (launcher.ts),
 * which starts every command from inside, so a command costs a few forks instead of the four host
 * programs (nsenter, setpriv twice, bwrap with all its mounts) that build a sandbox. One PID
 * namespace holds every command, so a daemon one command leaves keeps running for the next, as in a
 * chroot. Its PID 1 is bwrap's own reaper, inside the root, so /proc/1/root is the image's root.
 */
export class Sandbox {
  private constructor(
    private readonly o: SandboxOptions,
    private readonly init: ChildProcess,
    /** Host PID of the sandbox's PID 1. */
    private readonly pid1: number,
    private readonly launcher: Launcher,
  ) {}

  static async start(o: SandboxOptions): Promise<Sandbox> {
    const image = new InRoot(`/proc/${o.holder.pid}/root${o.root}`);
    for (const dir of API_DIRS) {
      const st = image.stat(dir);
      if (!st) image.mkdirs(dir);
      else if (!st.isDirectory()) throw new BakeError(`chroot: ${dir} in the image is ${kindOf(st)}: the sandbox mounts its own ${dir} there, on a directory`);
    }
    // A read-only sysfs for the sandbox's /sys, and the launcher's I/O directory: a tmpfs the sandbox sees read-only.
    const { sys, io } = Sandbox.dirs(o.stateDir);
    await o.holder.run(['sh', '-c', 'mkdir -p "$1" "$2" && mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$1" && mount -t tmpfs -o mode=700,size=1m,nosuid,nodev,noexec bake-io "$2"', 'sh', sys, io]);
    const seccomp = seccompProgram();
    const argv = [
      ...o.holder.enterArgs(), ...boundingArgs(), 'bwrap', '--unshare-pid', '--die-with-parent', ...(seccomp ? ['--seccomp', '3'] : []),
      ...Sandbox.mounts(o.root, sys), '--ro-bind', io, SANDBOX_IO, ...dropArgs(), '--clearenv', '--', '/bin/sh', '-c', LAUNCHER_SCRIPT,
    ];
    const init = spawn('nsenter', argv, { stdio: ['pipe', 'pipe', 'pipe', seccomp ? 'pipe' : 'ignore'], env: { PATH: HOST_PATH }, detached: true });
    init.stdin!.on('error', () => {});
    const program = init.stdio[3] as NodeJS.WritableStream | null;
    if (program && seccomp) {
      program.on('error', () => {});
      program.end(seccomp);
    }
    let err = '';
    init.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4096)));
    const launcher = new Launcher({
      io: `/proc/${o.holder.pid}/root${io}`,
      requests: init.stdin!,
      control: init.stdout!,
      mkfifo: async (names) => void (await o.holder.run(['mkfifo', '-m', '600', ...names.map((n) => `${io}/${n}`)])),
    });
    init.once('exit', () => launcher.close(new BakeError(`chroot: the build's sandbox is gone${err.trim() ? `: ${err.trim().split('\n').slice(-2).join(' | ')}` : ''}`)));
    const outer = [pidNamespace(process.pid), pidNamespace(o.holder.pid)];
    for (let i = 0; i < 250; i++) {
      const pid1 = Sandbox.findInit(init.pid!, outer);
      if (pid1 !== undefined && children(pid1).length > 0) {
        await launcher.prepare();
        return new Sandbox(o, init, pid1, launcher);
      }
      if (init.exitCode !== null || init.signalCode !== null) break;
      await sleep(20);
    }
    init.kill('SIGKILL');
    throw new BakeError(`chroot: cannot start the sandbox (bwrap): ${err.trim().split('\n').slice(-2).join(' | ') || 'it did not start within 5 s'}`);
  }

  private static dirs(stateDir: string): { sys: string; io: string } {
    return { sys: `${stateDir}/sys`, io: `${stateDir}/io` };
  }

  /** The first descendant of `pid` in a PID namespace other than bake's and the holder's: bwrap's reaper. */
  private static findInit(pid: number, outer: (string | undefined)[]): number | undefined {
    const queue = [pid];
    while (queue.length > 0) {
      const p = queue.shift()!;
      const ns = pidNamespace(p);
      if (ns && !outer.includes(ns)) return p;
      queue.push(...children(p));
    }
    return undefined;
  }

  /** The sandbox's filesystems, in bwrap's words: the root, then /proc, /dev and /sys over it. */
  private static mounts(root: string, sys: string): string[] {
    return [
      '--bind', root, '/',
      '--proc', '/proc',
      // bwrap covers /proc/sys only where it finds it writable by its own test; bake always does.
      '--ro-bind', '/proc/sys', '/proc/sys',
      '--ro-bind-try', '/proc/sysrq-trigger', '/proc/sysrq-trigger',
      '--dev', '/dev',
      '--ro-bind', sys, '/sys',
      '--chdir', '/',
    ];
  }

  /** Whether the sandbox (its PID 1) still runs. */
  get alive(): boolean {
    return this.init.exitCode === null && this.init.signalCode === null;
  }

  /** Starts argv in the sandbox as root, with exactly `env` (plus its BAKE_EXEC_ID), in `/`. */
  run(argv: string[], env: Record<string, string>): Promise<SandboxCommand> {
    return this.launcher.run(argv, env);
  }

  /** Host PIDs of what runs in the sandbox, other than its PID 1 and the launcher. */
  members(): number[] {
    const ns = pidNamespace(this.pid1);
    if (!ns) return [];
    const launcher = children(this.pid1)[0];
    const pids: number[] = [];
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid === this.pid1 || pid === launcher || pidNamespace(pid) !== ns) continue;
      try {
        if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) continue;
      } catch {
        continue;
      }
      pids.push(pid);
    }
    return pids;
  }

  /** Ends every process of the sandbox (its PID 1 dies, the kernel kills the rest); returns how many besides its own were running. */
  async stop(): Promise<number> {
    const left = this.members().length;
    this.launcher.close(new BakeError('chroot: the build\'s sandbox was stopped'));
    try {
      process.kill(this.pid1, 'SIGKILL');
    } catch {
      // Already gone.
    }
    this.init.stdin?.end();
    for (let i = 0; i < 250 && this.alive; i++) await sleep(20);
    if (this.alive) this.init.kill('SIGKILL');
    const { sys, io } = Sandbox.dirs(this.o.stateDir);
    await this.o.holder.run(['umount', sys, io]).catch(() => {});
    return left;
  }
}
