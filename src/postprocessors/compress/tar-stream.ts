import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, normalize } from 'node:path';

const BLOCK = 512;
const MAX_OCTAL_SIZE = 8 ** 11;

/** A file stored under a name of its own (vagrant's `box.img`, whatever the disk is called). */
export interface TarEntry {
  path: string;
  name: string;
}

/**
 * A POSIX (ustar + pax) tar archive of `files`, as a stream of chunks; file data is streamed, never
 * held whole. Relative paths keep their directories; other paths are stored by their base name.
 */
export async function* tarStream(files: (string | TarEntry)[], onData: (bytes: number) => void, signal?: AbortSignal): AsyncGenerator<Buffer> {
  for (const entry of files) {
    const file = typeof entry === 'string' ? entry : entry.path;
    const info = await stat(file);
    const name = typeof entry === 'string' ? entryName(file) : entry.name;
    if (Buffer.byteLength(name) > 100) yield* paxHeader(name);
    yield header({ name: name.slice(0, 100), size: info.size, mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs / 1000), type: '0' });
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) {
      onData((chunk as Buffer).length);
      yield chunk as Buffer;
    }
    const pad = (BLOCK - (info.size % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(BLOCK * 2);
}

export function entryName(file: string): string {
  const n = normalize(file);
  return isAbsolute(n) || n.startsWith('..') ? basename(n) : n;
}

function* paxHeader(name: string): Generator<Buffer> {
  const body = ` path=${name}\n`;
  let len = Buffer.byteLength(body);
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  const data = Buffer.from(`${len}${body}`);
  yield header({ name: `PaxHeader/${basename(name)}`.slice(0, 100), size: data.length, mode: 0o644, mtime: 0, type: 'x' });
  yield data;
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  if (pad) yield Buffer.alloc(pad);
}

interface HeaderFields {
  name: string;
  size: number;
  mode: number;
  mtime: number;
  type: '0' | 'x';
}

function header(h: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  if (h.size < MAX_OCTAL_SIZE) octal(b, 124, 12, h.size);
  else {
    // GNU base-256 size for files of 8 GiB and more (disk images often are).
    b[124] = 0x80;
    b.writeBigUInt64BE(BigInt(h.size), 128);
  }
  octal(b, 136, 12, h.mtime);
  b.write(h.type, 156, 1, 'latin1');
  b.write('ustar\u000000', 257, 8, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return b;
}

function octal(b: Buffer, offset: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1');
}

/** Total bytes of the input files, for progress. */
export async function inputBytes(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await stat(f)).size;
  return total;
}
