import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { BakeError } from '../../core/errors.js';
import type { Codec } from './formats.js';

export interface Compressor {
  stream: Duplex;
  /** Settles when the compressor has finished (an external program exited 0) or failed. */
  done: Promise<void>;
}

/** Node 20 has no zstd in zlib, so zstd, xz and lz4 run as the usual programs, multithreaded where they can. */
const PROGRAMS: Partial<Record<Codec, { bin: string; pkg: string; args: (level: number) => string[] }>> = {
  zstd: { bin: 'zstd', pkg: 'zstd', args: (l) => ['-q', `-${l}`, '-T0', '-c'] },
  xz: { bin: 'xz', pkg: 'xz-utils', args: (l) => ['-q', `-${l}`, '-T0', '-c'] },
  lz4: { bin: 'lz4', pkg: 'lz4', args: (l) => ['-q', `-${l}`, '-c'] },
};

export function compressor(codec: Codec, level: number, signal?: AbortSignal): Compressor {
  if (codec === 'gzip') return { stream: createGzip({ level }), done: Promise.resolve() };
  const program = PROGRAMS[codec];
  if (!program) return { stream: new PassThrough(), done: Promise.resolve() };
  const child = spawn(program.bin, program.args(level), { stdio: ['pipe', 'pipe', 'pipe'], signal });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(new BakeError(`compress: "${program.bin}" is not installed; install the Debian package ${program.pkg}, or use .tar.gz`));
      } else reject(err);
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new BakeError(`compress: ${program.bin} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  // A failed start is reported by `done`; keep the stream errors from surfacing unhandled meanwhile.
  done.catch(() => {});
  return { stream: Duplex.from({ writable: child.stdin, readable: child.stdout }), done };
}

/** zip needs random access to its output, so the zip program writes it directly (names without directories). */
export function runZip(output: string, files: string[], level: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('zip', ['-q', '-j', `-${level}`, output, ...files], { stdio: ['ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new BakeError('compress: "zip" is not installed; install the Debian package zip, or use .tar.gz') : err),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BakeError(`compress: zip exited with ${code}: ${stderr.trim()}`))));
  });
}
