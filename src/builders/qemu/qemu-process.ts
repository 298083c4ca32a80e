import { type ChildProcess, spawn } from 'node:child_process';
import { BakeError } from '../../core/errors.js';
import { notFoundMessage } from '../../local-image/index.js';

export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running QEMU: its output kept for diagnostics, its exit awaitable, killable by pid only. */
export class QemuProcess {
  private outputText = '';
  readonly exited: Promise<QemuExit>;
  private exitInfo: QemuExit | undefined;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.outputText = (this.outputText + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  /** Starts QEMU in its own process group, so a terminal's Ctrl-C reaches bake, which shuts it down in order. */
  static start(binary: string, argv: string[]): Promise<QemuProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(new BakeError(err.code === 'ENOENT' ? notFoundMessage(binary) : `${binary}: ${err.message}`, { cause: err })),
      );
      child.once('spawn', () => resolve(new QemuProcess(child)));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  output(): string {
    return this.outputText;
  }

  /** QEMU's own last error lines ("qemu-system-x86_64: -drive …: Could not open …"). */
  lastLines(count = 3): string {
    return this.outputText.split('\n').map((l) => l.trim()).filter(Boolean).slice(-count).join(' | ');
  }

  /**
   * Lets QEMU run on after bake exits (a failed build kept for inspection): bake stops reading its
   * output and waiting for it. QEMU ignores SIGPIPE, so the closed pipes do not stop it.
   */
  detach(): void {
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.child.unref();
  }

  /** SIGKILL and wait for the exit; QEMU holds no state worth saving once bake gives up on it. */
  async kill(): Promise<QemuExit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Resolves with the exit when QEMU exits within `ms`, else undefined. */
  async waitExit(ms: number): Promise<QemuExit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
