import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { BakeError } from '../core/errors.js';
import { sleep } from '../core/wait.js';

/**
 * The holder: PID 1 of a fresh PID namespace, in a private mount namespace (and UTS and IPC
 * namespaces, so the image's hostname can be set and its shared memory is its own; and a network
 * namespace of its own when asked), reading bake's pipe until it closes. Its /proc is its own PID
 * namespace's, so that a PID a tool inside reads (bwrap's child) names the process it means. `name`
 * ends its command line, so that `bake cleanup` can tell it from whatever process later gets its pid.
 */
function holderArgv(name: string, ownNetwork: boolean): string[] {
  return ['unshare', '--mount', '--pid', '--uts', '--ipc', ...(ownNetwork ? ['--net'] : []), '--fork', '--kill-child', '--mount-proc', '--propagation', 'private', '--', '/bin/sh', '-c', 'echo ready; exec cat >/dev/null', name];
}

/** PATH for host tools run inside the namespace (mount, umount, losetup …), whatever bake's own PATH is. */
export const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface NsRunOptions {
  input?: Buffer | string;
  signal?: AbortSignal;
}

/**
 * A private mount, PID and UTS namespace held by one child process of bake. Everything
 * mounted for a chroot build is mounted in here, so it never shows on the host; and the holder
 * never outlives bake: it reads a pipe whose only writer is bake, so when bake exits (even by
 * `kill -9`) it sees end-of-file and exits, and with it, as PID 1, every process of the namespace;
 * the kernel then drops the mounts and the loop devices (mounted with autoclear) detach.
 */
export class ChrootNamespace {
  private constructor(
    private readonly unshare: ChildProcess,
    /** The holder's PID on the host (PID 1 inside). */
    readonly pid: number,
    private readonly exited: Promise<void>,
    /** Whether it has a network namespace of its own (chroot_network none). */
    readonly ownNetwork: boolean,
  ) {}

  static async start(name = 'bake-chroot', ownNetwork = false): Promise<ChrootNamespace> {
    const argv = holderArgv(name, ownNetwork);
    // Its own process group: a terminal's Ctrl-C reaches bake, which then tears down in order.
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { PATH: HOST_PATH } });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const ready = await new Promise<boolean>((resolve) => {
      child.stdout.once('data', () => resolve(true));
      child.once('exit', () => resolve(false));
      child.once('error', () => resolve(false));
    });
    child.stdout.resume();
    if (!ready || child.pid === undefined) {
      throw new BakeError(`chroot: cannot create a private mount and PID namespace with unshare: ${err.trim() || 'it exited'} (bake needs root and a kernel that allows namespaces)`);
    }
    const holder = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    return new ChrootNamespace(child, holder, exited, ownNetwork);
  }

  /** Whether the holder (and so the namespace) still exists. */
  get alive(): boolean {
    return this.unshare.exitCode === null && this.unshare.signalCode === null;
  }

  /** nsenter's arguments that put a command in the namespace, seeing the host's files plus the private mounts. */
  enterArgs(): string[] {
    return ['-t', String(this.pid), '--mount', '--pid', '--uts', '--ipc', ...(this.ownNetwork ? ['--net'] : []), '--'];
  }

  /** Runs a host tool inside the namespace; resolves stdout, throws naming the command and its stderr. */
  run(argv: string[], options: NsRunOptions = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('nsenter', [...this.enterArgs(), ...argv], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: HOST_PATH, LC_ALL: 'C' }, signal: options.signal });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', (e) => reject(e.name === 'AbortError' ? e : new BakeError(`chroot: ${argv[0]}: ${e.message}`)));
      child.on('close', (code) => {
        if (code === 0) return resolve(Buffer.concat(out).toString());
        reject(new BakeError(`chroot: ${argv.join(' ')} exited with ${code}${err.trim() ? `: ${err.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
      });
      child.stdin.on('error', () => {});
      child.stdin.end(options.input ?? '');
    });
  }

  /** Host PIDs of the namespace's processes other than the holder (zombies excluded: they are already dead). */
  members(): number[] {
    let ns: string;
    try {
      ns = readlinkSync(`/proc/${this.pid}/ns/pid`);
    } catch {
      return [];
    }
    const pids: number[] = [];
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid === this.pid) continue;
      try {
        if (readlinkSync(`/proc/${pid}/ns/pid`) !== ns) continue;
        if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) continue;
        pids.push(pid);
      } catch {
        // Exited while we looked.
      }
    }
    return pids;
  }

  /** Kills every process left in the namespace (daemons a provisioner started) and waits until they are gone. */
  async killMembers(): Promise<number> {
    let killed = 0;
    for (let round = 0; round < 100; round++) {
      const pids = this.members();
      if (pids.length === 0) return killed;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
          if (round === 0) killed++;
        } catch {
          // Already gone.
        }
      }
      await sleep(20);
    }
    throw new BakeError(`chroot: processes ${this.members().join(', ')} in the build's namespace did not die`);
  }

  /** unshare's own pid: killing it ends the namespace (it was started with --kill-child). */
  get unsharePid(): number {
    return this.unshare.pid!;
  }

  /**
   * Lets the namespace outlive bake (a failed build kept for inspection): a process inside it takes
   * over the write end of the pipe the holder reads, so bake's exit no longer closes it. Killing
   * unshare (`bake cleanup` does) kills the holder, and with it that process and the mounts.
   */
  async keep(): Promise<void> {
    const stdin = this.unshare.stdin!;
    const keeper = spawn('nsenter', [...this.enterArgs(), 'sleep', 'infinity'], { stdio: ['ignore', stdin, 'ignore'], detached: true, env: { PATH: HOST_PATH } });
    await new Promise<void>((resolve, reject) => {
      keeper.once('spawn', resolve);
      keeper.once('error', (e) => reject(new BakeError(`chroot: cannot keep the namespace: ${e.message}`)));
    });
    keeper.unref();
    stdin.destroy();
    this.unshare.stdout?.destroy();
    this.unshare.stderr?.destroy();
    this.unshare.unref();
  }

  /** Closes the pipe the holder reads: it exits, and the kernel tears down whatever is left in the namespace. */
  async stop(): Promise<void> {
    this.unshare.stdin?.end();
    const timer = setTimeout(() => this.unshare.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
