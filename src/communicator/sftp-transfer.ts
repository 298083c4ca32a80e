import { chmod, lstat, mkdir, readdir, readlink, stat, symlink } from 'node:fs/promises';
import { join, dirname as localDirname, posix } from 'node:path';
import type { SftpOps } from './sftp-ops.js';
import { transferError } from './sftp-ops.js';
import type { TransferOptions } from './types.js';

/**
 * Requests in flight hide the round trip; chunks as large as OpenSSH's sftp-server accepts in one
 * request (255 KiB, its limits@openssh.com answer) cut per-request work on both ends.
 */
const FAST_XFER = { concurrency: 16, chunkSize: 255 * 1024 };
/** Small files in a tree are bound by round trips, so several go at once. */
const PARALLEL_FILES = 4;

interface Entry {
  /** Path relative to the tree's root ("" for the root itself), with "/" separators. */
  rel: string;
  kind: 'dir' | 'file' | 'link';
  mode: number;
  size: number;
  target?: string;
}

const kindOf = (s: { isDirectory(): boolean; isSymbolicLink(): boolean }): Entry['kind'] =>
  s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'link' : 'file';

// The root given by the user is followed when it is a link; links inside a tree are copied as links.
async function localTree(root: string, rel = ''): Promise<Entry[]> {
  const path = rel ? join(root, rel) : root;
  const s = rel ? await lstat(path) : await stat(path);
  const entry: Entry = { rel, kind: kindOf(s), mode: s.mode & 0o7777, size: s.size };
  if (entry.kind === 'link') entry.target = await readlink(path);
  if (entry.kind !== 'dir') return [entry];
  const names = (await readdir(path)).sort();
  const children = [];
  for (const name of names) children.push(...(await localTree(root, rel ? `${rel}/${name}` : name)));
  return [entry, ...children];
}

async function remoteTree(ops: SftpOps, root: string, rel = ''): Promise<Entry[]> {
  const path = rel ? posix.join(root, rel) : root;
  const s = rel ? await ops.lstat(path) : await ops.stat(path);
  const entry: Entry = { rel, kind: kindOf(s), mode: s.mode & 0o7777, size: s.size };
  if (entry.kind === 'link') entry.target = await ops.readlink(path);
  if (entry.kind !== 'dir') return [entry];
  const names = (await ops.readdir(path)).map((e) => e.filename).sort();
  const children = [];
  for (const name of names) children.push(...(await remoteTree(ops, root, rel ? `${rel}/${name}` : name)));
  return [entry, ...children];
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

function progressCounter(entries: Entry[], options: TransferOptions) {
  const total = entries.reduce((sum, e) => sum + (e.kind === 'file' ? e.size : 0), 0);
  const done = new Map<string, number>();
  let doneSum = 0;
  return (rel: string, transferred: number) => {
    doneSum += transferred - (done.get(rel) ?? 0);
    done.set(rel, transferred);
    options.onProgress?.(doneSum, total);
  };
}

/** Uploads a file, or a directory's whole tree, to `dest`; modes are kept and parents created. */
export async function uploadPath(ops: SftpOps, src: string, dest: string, options: TransferOptions): Promise<void> {
  const what = `upload "${src}" to "${dest}"`;
  try {
    const entries = await localTree(src);
    if (entries[0].kind === 'file' && options.mode !== undefined) entries[0].mode = options.mode;
    const progress = progressCounter(entries, options);
    const remote = (e: Entry) => (e.rel ? posix.join(dest, e.rel) : dest);
    if (entries[0].kind === 'file' && (await ops.statOrNone(dest))?.isDirectory()) {
      throw new Error(`"${dest}" is a directory; give the file's full destination path`);
    }
    await ops.mkdirp(posix.dirname(dest));
    for (const e of entries.filter((x) => x.kind === 'dir')) await ops.mkdirp(remote(e));
    await pool(entries.filter((x) => x.kind !== 'dir'), PARALLEL_FILES, async (e) => {
      if (e.kind === 'link') return ops.symlink(e.target as string, remote(e));
      const local = e.rel ? join(src, e.rel) : src;
      await new Promise<void>((resolve, reject) =>
        ops.sftp.fastPut(local, remote(e), { ...FAST_XFER, mode: e.mode, step: (t) => progress(e.rel, t) }, (err) => (err ? reject(err) : resolve())),
      );
      progress(e.rel, e.size);
      await ops.chmod(remote(e), e.mode);
    });
    // Directory modes last and deepest first, so a read-only directory does not block its own contents.
    for (const e of entries.filter((x) => x.kind === 'dir').reverse()) await ops.chmod(remote(e), e.mode);
  } catch (err) {
    throw transferError(what, err);
  }
}

export async function uploadBytes(ops: SftpOps, data: Buffer, dest: string, options: TransferOptions): Promise<void> {
  try {
    await ops.mkdirp(posix.dirname(dest));
    await ops.writeFile(dest, data);
    if (options.mode !== undefined) await ops.chmod(dest, options.mode);
    options.onProgress?.(data.length, data.length);
  } catch (err) {
    throw transferError(`upload ${data.length} bytes to "${dest}"`, err);
  }
}

/** Downloads a remote file or directory tree to `dest`, keeping modes. */
export async function downloadPath(ops: SftpOps, src: string, dest: string, options: TransferOptions): Promise<void> {
  try {
    const entries = await remoteTree(ops, src);
    if (entries[0].kind === 'file' && options.mode !== undefined) entries[0].mode = options.mode;
    const progress = progressCounter(entries, options);
    const local = (e: Entry) => (e.rel ? join(dest, e.rel) : dest);
    await mkdir(localDirname(dest), { recursive: true });
    for (const e of entries.filter((x) => x.kind === 'dir')) await mkdir(local(e), { recursive: true });
    await pool(entries.filter((x) => x.kind !== 'dir'), PARALLEL_FILES, async (e) => {
      if (e.kind === 'link') return symlink(e.target as string, local(e));
      const remote = e.rel ? posix.join(src, e.rel) : src;
      await new Promise<void>((resolve, reject) =>
        ops.sftp.fastGet(remote, local(e), { ...FAST_XFER, step: (t) => progress(e.rel, t) }, (err) => (err ? reject(err) : resolve())),
      );
      progress(e.rel, e.size);
      await chmod(local(e), e.mode);
    });
    for (const e of entries.filter((x) => x.kind === 'dir').reverse()) await chmod(local(e), e.mode);
  } catch (err) {
    throw transferError(`download "${src}" to "${dest}"`, err);
  }
}
