import { chmodSync, closeSync, constants, createReadStream, createWriteStream, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BakeError } from '../core/errors.js';
import { type InRoot, kindOf } from './in-root.js';

/** Host files a download creates: never through a symlink already there. */
const HOST_WRITE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
const SET_ID = 0o6000;

function imagePath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/**
 * Uploads and downloads done by bake itself on the host side, every image path resolved inside the
 * image's root: nothing of the image runs (a trojaned `dirname`, `tar` or `cat` in the image is never
 * started), and what a download creates on the host is only regular files, directories and symlinks,
 * without setuid/setgid bits — as Packer's SFTP download would leave them.
 */
export class ImageTransfers {
  constructor(
    private readonly image: InRoot,
    /** Told what a download left out or changed (a device node, a setuid bit). */
    private readonly warn: (text: string) => void,
  ) {}

  /** Writes a host file (or bytes) to an image path as `cat > dest` would, parents made, then sets its mode. */
  async uploadFile(source: string | Buffer, dest: string, mode: number): Promise<void> {
    if (this.image.stat(dest, true)?.isDirectory()) throw new BakeError(`"${dest}" is a directory; give the file's full destination path`);
    this.image.mkdirs(dirname(dest));
    const { fd } = this.image.openForWrite(dest, mode);
    try {
      const out = createWriteStream('', { fd, autoClose: false });
      await pipeline(typeof source === 'string' ? createReadStream(source) : [source], out);
      fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
  }

  /** Copies a host directory tree into an image directory (made if missing), modes kept, owned by root. */
  async uploadTree(source: string, dest: string): Promise<void> {
    this.image.mkdirs(dest);
    this.image.at(dest, true, (p) => chmodSync(p, lstatSync(source).mode & 0o7777));
    for (const entry of readdirSync(source, { withFileTypes: true })) {
      const from = join(source, entry.name);
      const to = imagePath(this.image.resolve(dest), entry.name);
      if (entry.isDirectory()) await this.uploadTree(from, to);
      else if (entry.isSymbolicLink()) {
        if (this.image.stat(to)) this.image.unlink(to);
        this.image.symlink(readlinkSync(from), to);
      } else if (entry.isFile()) await this.uploadFile(from, to, (await stat(from)).mode & 0o7777);
    }
  }

  /** What an image path is (symlinks followed inside the image); undefined when missing. */
  kind(path: string): 'dir' | 'file' | undefined {
    const st = this.image.stat(path, true);
    if (!st) return undefined;
    if (st.isDirectory()) return 'dir';
    if (st.isFile()) return 'file';
    throw new BakeError(`${path} in the image is ${kindOf(st)}: refusing to download it`);
  }

  /** Copies a regular file of the image to a host path; mode kept without setuid/setgid, or `mode` when given. */
  async downloadFile(src: string, dest: string, mode?: number): Promise<number> {
    const { fd, stat: st } = this.image.openFile(src);
    try {
      const out = openSync(dest, HOST_WRITE, 0o600);
      try {
        await pipeline(createReadStream('', { fd, autoClose: false }), createWriteStream('', { fd: out, autoClose: false }));
        fchmodSync(out, mode ?? this.hostMode(src, st.mode));
      } finally {
        closeSync(out);
      }
      return st.size;
    } finally {
      closeSync(fd);
    }
  }

  /** Copies an image directory tree to the host: directories, regular files and symlinks only. */
  async downloadTree(src: string, dest: string): Promise<void> {
    mkdirSync(dest, { recursive: true });
    const names = this.image.at(src, true, (p) => readdirSync(p));
    for (const name of names.sort()) {
      const from = imagePath(this.image.resolve(src), name);
      const to = join(dest, name);
      const st = this.image.stat(from);
      if (!st) continue;
      if (st.isDirectory()) {
        await this.downloadTree(from, to);
        chmodSync(to, st.mode & 0o1777);
      } else if (st.isSymbolicLink()) symlinkSync(this.image.readlink(from), to);
      else if (st.isFile()) await this.downloadFile(from, to);
      else this.warn(`download: ${from} in the image is ${kindOf(st)}: not copied to the host`);
    }
  }

  private hostMode(path: string, mode: number): number {
    if (mode & SET_ID) this.warn(`download: ${path} in the image is ${mode & 0o4000 ? 'setuid' : 'setgid'}; the host copy is not`);
    return mode & 0o1777 & ~SET_ID;
  }
}
