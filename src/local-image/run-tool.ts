import { spawn } from 'node:child_process';
import { AbortedError, BakeError, reasonText } from '../core/errors.js';

/** The Debian package that provides each host tool, for "not found" messages. */
const PACKAGES: Record<string, string> = {
  'qemu-img': 'qemu-utils',
  'qemu-system-x86_64': 'qemu-system-x86',
  genisoimage: 'genisoimage',
  xorriso: 'xorriso',
  mmdebstrap: 'mmdebstrap',
  sh: 'dash',
};

export function notFoundMessage(program: string): string {
  const base = program.split('/').pop() ?? program;
  const pkg = PACKAGES[base];
  return pkg
    ? `${base} not found: install the ${pkg} package (scripts/setup-host.sh installs everything bake's qemu builder needs)`
    : `${program} not found: check the path or install it`;
}

export interface ToolOptions {
  signal?: AbortSignal;
  /** Receives each line of stdout and stderr as it arrives (progress, build logs). */
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Runs a host tool to completion; resolves its stdout, throws naming the command and its last stderr lines. */
export function runTool(program: string, args: string[], options: ToolOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new AbortedError(reasonText(options.signal.reason)));
    // Its own process group: a terminal's Ctrl-C reaches bake, which then stops the whole tool (and its children).
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, detached: true });
    const out: Buffer[] = [];
    const errTail: string[] = [];
    const onAbort = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const lines = (keep: boolean) => {
      let partial = '';
      return (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split(/\r?\n|\r/);
        partial = parts.pop() ?? '';
        for (const line of parts.filter((l) => l.trim())) {
          options.onLine?.(line);
          if (!keep) continue;
          errTail.push(line);
          if (errTail.length > 3) errTail.shift();
        }
      };
    };
    const errLines = lines(true);
    const outLines = lines(false);
    child.stdout.on('data', (c: Buffer) => {
      out.push(c);
      if (options.onLine) outLines(c);
    });
    child.stderr.on('data', errLines);
    child.on('error', (err: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(new BakeError(err.code === 'ENOENT' ? notFoundMessage(program) : `${program}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, sig) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) return reject(new AbortedError(reasonText(options.signal.reason)));
      if (code === 0) return resolve(Buffer.concat(out).toString());
      const tail = errTail.join(' | ');
      const how = sig ? `was killed by ${sig}` : `exited with ${code}`;
      reject(new BakeError(`${[program.split('/').pop(), args[0]].join(' ')} ${how}${tail ? `: ${tail}` : ''}`));
    });
  });
}
