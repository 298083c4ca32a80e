import { closeSync, constants, fstatSync, mkdirSync, openSync, readlinkSync, readSync, renameSync, rmdirSync, type Stats, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { BakeError } from '../core/errors.js';

/** Linux's O_PATH (the same on every architecture Node runs on): a handle on a name that opens nothing (no FIFO blocks, no device opens). */
const O_PATH = 0o10000000;
const MAX_SYMLINKS = 40;

/** What a path of the image is, in words for an error message. */
export function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isDirectory()) return 'a directory';
  return 'a regular file';
}

/** A path walked inside the root: O_PATH handles on its parent directory and (when it exists) itself. */
interface Walked {
  /** The path with every symlink resolved inside the root, without . and .. */
  path: string;
  parent: number;
  name: string;
  /** Undefined when the last component does not exist. */
  fd?: number;
  stat?: Stats;
  /** Handles to close. */
  held: number[];
}

/**
 * One root filesystem of an untrusted image, seen from the host at `view` (e.g. the holder's
 * `/proc/<pid>/root/<mount point>`). Every path is resolved here the way the kernel's
 * openat2(RESOLVE_IN_ROOT) would, which Node cannot call: component by component, each opened
 * O_PATH|O_NOFOLLOW relative to its parent's handle through /proc/self/fd, an absolute symlink
 * restarting at the image's root and `..` stopping there. Nothing the image holds (a symlink, a
 * `..`, a directory swapped for a link while bake walks it) reaches a host file, and what bake
 * reads must be a regular file, so a FIFO never blocks and a device is never opened.
 */
export class InRoot {
  constructor(
    /** Where bake reaches the root from the host. */
    readonly view: string,
  ) {}

  /** With `lenient`, a missing directory ends the walk: the rest of the path is kept as written, and only `path` is meaningful. */
  private walk(path: string, followLast: boolean, lenient = false): Walked {
    const root = openSync(this.view, O_PATH | constants.O_DIRECTORY);
    const stack: { fd: number; name: string }[] = [];
    const held = [root];
    const queue = path.split('/').filter((c) => c !== '' && c !== '.');
    let hops = 0;
    const dir = () => stack.at(-1)?.fd ?? root;
    const here = () => `/${stack.map((s) => s.name).join('/')}`;
    try {
      while (queue.length > 0) {
        const name = queue.shift()!;
        if (name === '..') {
          stack.pop();
          continue;
        }
        const last = queue.length === 0;
        let fd: number;
        try {
          fd = openSync(`/proc/self/fd/${dir()}/${name}`, O_PATH | constants.O_NOFOLLOW);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !(last || lenient)) throw err;
          const rest = stack.map((s) => s.name);
          for (const c of [name, ...queue]) c === '..' ? rest.pop() : rest.push(c);
          return { path: `/${rest.join('/')}`, parent: dir(), name, held };
        }
        held.push(fd);
        const st = fstatSync(fd);
        if (st.isSymbolicLink() && (!last || followLast)) {
          if (++hops > MAX_SYMLINKS) throw new BakeError(`${path} in the image: more than ${MAX_SYMLINKS} symlinks`);
          const target = readlinkSync(`/proc/self/fd/${dir()}/${name}`);
          if (target.startsWith('/')) stack.length = 0;
          queue.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'));
          continue;
        }
        if (!last && !st.isDirectory()) throw new BakeError(`${path} in the image: ${join(here(), name)} is ${kindOf(st)}, not a directory`);
        if (last) return { path: join(here(), name), parent: dir(), name, fd, stat: st, held };
        stack.push({ fd, name });
      }
      return { path: here(), parent: root, name: '', fd: dir(), stat: fstatSync(dir()), held };
    } catch (err) {
      held.forEach((fd) => closeSync(fd));
      throw err;
    }
  }

  private with<T>(path: string, followLast: boolean, use: (w: Walked) => T, lenient = false): T {
    const w = this.walk(path, followLast, lenient);
    try {
      return use(w);
    } finally {
      w.held.forEach((fd) => closeSync(fd));
    }
  }

  /** The path with its symlinks resolved inside the image; what is missing of it is kept as written (`..` of a missing directory is its parent). */
  resolve(path: string): string {
    return this.with(path, true, (w) => w.path, true);
  }

  /** lstat (or stat, following a last symlink inside the image); undefined when it does not exist. */
  stat(path: string, follow = false): Stats | undefined {
    try {
      return this.with(path, follow, (w) => w.stat);
    } catch (err) {
      if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw err;
    }
  }

  /**
   * A regular file's bytes (symlinks followed inside the image), at most `max` of them; undefined
   * when it does not exist. Anything else is refused with one line naming it.
   */
  read(path: string, max = 1024 * 1024): Buffer | undefined {
    let w: Walked;
    try {
      w = this.walk(path, true);
    } catch (err) {
      if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw err;
    }
    try {
      if (w.fd === undefined) return undefined;
      if (!w.stat!.isFile()) throw new BakeError(`${path} in the image is ${kindOf(w.stat!)}: refusing to read it`);
      if (w.stat!.size > max) throw new BakeError(`${path} in the image is ${w.stat!.size} bytes, more than the ${max} bake reads`);
      const fd = openSync(`/proc/self/fd/${w.fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const buf = Buffer.alloc(max + 1);
        let got = 0;
        for (let n; got <= max && (n = readSync(fd, buf, got, buf.length - got, null)) > 0; ) got += n;
        if (got > max) throw new BakeError(`${path} in the image grew past the ${max} bytes bake reads`);
        return buf.subarray(0, got);
      } finally {
        closeSync(fd);
      }
    } finally {
      w.held.forEach((fd) => closeSync(fd));
    }
  }

  /** The first bytes of a regular file (symlinks followed inside the image); undefined when it does not exist. */
  head(path: string, bytes: number): Buffer | undefined {
    try {
      const { fd } = this.openFile(path);
      try {
        const buf = Buffer.alloc(bytes);
        return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '') || /no such file/.test((err as Error).message)) return undefined;
      throw err;
    }
  }

  /** Opens a regular file of the image for reading (the caller closes it); refuses anything else. */
  openFile(path: string): { fd: number; stat: Stats } {
    return this.with(path, true, (w) => {
      if (w.fd === undefined) throw new BakeError(`${path}: no such file or directory in the image`);
      if (!w.stat!.isFile()) throw new BakeError(`${path} in the image is ${kindOf(w.stat!)}: refusing to read it`);
      return { fd: openSync(`/proc/self/fd/${w.fd}`, constants.O_RDONLY | constants.O_NONBLOCK), stat: w.stat! };
    });
  }

  /** Makes a directory and its missing parents inside the image; returns the resolved path and the directories it made (deepest first). */
  mkdirs(path: string, mode = 0o755): { path: string; made: string[] } {
    const resolved = this.resolve(path);
    const made: string[] = [];
    let done = '/';
    for (const name of resolved.split('/').filter(Boolean)) {
      done = join(done, name);
      this.with(done, false, (w) => {
        if (!w.stat) {
          mkdirSync(`/proc/self/fd/${w.parent}/${w.name}`, mode);
          made.unshift(done);
        } else if (!w.stat.isDirectory()) {
          throw new BakeError(`${path} in the image: ${done} is ${kindOf(w.stat)}, not a directory`);
        }
      });
    }
    return { path: resolved, made };
  }

  /**
   * Writes a new file (its last component must not exist: nothing is followed or overwritten),
   * its parents made; returns the resolved path and the directories made.
   */
  create(path: string, data: Buffer, mode = 0o644): { path: string; made: string[] } {
    const parent = this.mkdirs(dirname(path));
    const target = join(parent.path, basename(path));
    this.with(target, false, (w) => {
      const fd = openSync(`/proc/self/fd/${w.parent}/${w.name}`, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
      try {
        for (let off = 0; off < data.length; ) off += writeSync(fd, data, off);
      } finally {
        closeSync(fd);
      }
    });
    return { path: target, made: parent.made };
  }

  /** Opens a file for writing as `cat > path` would: a last symlink followed inside the image, a regular file truncated, a missing one created. */
  openForWrite(path: string, mode: number): { fd: number; path: string } {
    return this.with(path, true, (w) => {
      if (w.stat && !w.stat.isFile()) throw new BakeError(`${path} in the image is ${kindOf(w.stat)}: refusing to write it`);
      // O_NONBLOCK: a FIFO a daemon of the image swaps in after the check above fails the open (ENXIO) instead of blocking bake.
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW | constants.O_NONBLOCK;
      return { fd: openSync(`/proc/self/fd/${w.parent}/${w.name}`, flags, mode), path: w.path };
    });
  }

  /** Renames within one directory of the image (neither name is followed). */
  rename(dir: string, from: string, to: string): void {
    this.with(dir, true, (w) => renameSync(`/proc/self/fd/${w.fd}/${from}`, `/proc/self/fd/${w.fd}/${to}`));
  }

  /** Removes a file or symlink (not followed). */
  unlink(path: string): void {
    this.with(path, false, (w) => unlinkSync(`/proc/self/fd/${w.parent}/${w.name}`));
  }

  /** Removes a directory if it is empty; whether it did. */
  rmdirIfEmpty(path: string): boolean {
    try {
      this.with(path, false, (w) => rmdirSync(`/proc/self/fd/${w.parent}/${w.name}`));
      return true;
    } catch {
      return false;
    }
  }

  /** Makes a symlink (its target is stored as given: it is resolved inside the image when followed). */
  symlink(target: string, path: string): void {
    this.with(path, false, (w) => symlinkSync(target, `/proc/self/fd/${w.parent}/${w.name}`));
  }

  /** Reads a symlink's target (not followed). */
  readlink(path: string): string {
    return this.with(path, false, (w) => readlinkSync(`/proc/self/fd/${w.parent}/${w.name}`));
  }

  /** Runs `use` with a host path naming the resolved path's own inode (through /proc/self/fd): what a host call needs, nothing followed. */
  at<T>(path: string, follow: boolean, use: (hostPath: string, stat: Stats | undefined, resolved: string) => T): T {
    return this.with(path, follow, (w) => use(w.fd === undefined ? `/proc/self/fd/${w.parent}/${w.name}` : `/proc/self/fd/${w.fd}`, w.stat, w.path));
  }
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function dirname(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return `/${parts.slice(0, -1).join('/')}`;
}

function basename(path: string): string {
  return path.split('/').filter(Boolean).at(-1) ?? '';
}
