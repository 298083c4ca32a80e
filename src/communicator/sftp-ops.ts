import { posix } from 'node:path';
import type { FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import { BakeError } from '../core/errors.js';

/** Promise wrappers over the callback SFTP API, with SFTP status codes turned into words. */
export class SftpOps {
  constructor(readonly sftp: SFTPWrapper) {}

  private call<T>(fn: (cb: (err: Error | undefined | null, value?: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
  }

  stat(path: string): Promise<Stats> {
    return this.call((cb) => this.sftp.stat(path, cb));
  }
  lstat(path: string): Promise<Stats> {
    return this.call((cb) => this.sftp.lstat(path, cb));
  }
  /** stat, or undefined when there is nothing at `path`. */
  async statOrNone(path: string): Promise<Stats | undefined> {
    try {
      return await this.stat(path);
    } catch (err) {
      if (sftpCode(err) === 2) return undefined;
      throw err;
    }
  }
  readdir(path: string): Promise<FileEntryWithStats[]> {
    return this.call((cb) => this.sftp.readdir(path, cb));
  }
  readlink(path: string): Promise<string> {
    return this.call((cb) => this.sftp.readlink(path, cb));
  }
  symlink(target: string, path: string): Promise<void> {
    return this.call((cb) => this.sftp.symlink(target, path, cb));
  }
  chmod(path: string, mode: number): Promise<void> {
    return this.call((cb) => this.sftp.chmod(path, mode & 0o7777, cb));
  }
  writeFile(path: string, data: Buffer): Promise<void> {
    return this.call((cb) => this.sftp.writeFile(path, data, cb));
  }
  /** Removes a file; nothing at `path` is no error, as with `rm -f`. */
  async unlinkIfPresent(path: string): Promise<void> {
    try {
      await this.call<void>((cb) => this.sftp.unlink(path, cb));
    } catch (err) {
      if (sftpCode(err) !== 2) throw err;
    }
  }

  /** mkdir -p: creates `path` and any missing parents. */
  async mkdirp(path: string): Promise<void> {
    const existing = await this.statOrNone(path);
    if (existing?.isDirectory()) return;
    if (existing) throw Object.assign(new Error(`${path} exists and is not a directory`), { code: 4 });
    const parent = posix.dirname(path);
    if (parent !== path && parent !== '.' && parent !== '/') await this.mkdirp(parent);
    try {
      await this.call<void>((cb) => this.sftp.mkdir(path, cb));
    } catch (err) {
      // Another transfer may have created it in the meantime.
      if (!(await this.statOrNone(path))?.isDirectory()) throw err;
    }
  }
}

export function sftpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

const REASONS: Record<number, string> = { 2: 'no such file or directory', 3: 'permission denied', 4: 'failure' };

/** "sftp: cannot upload "a" to "b": permission denied" */
export function transferError(what: string, err: unknown): BakeError {
  const code = sftpCode(err);
  const message = (err as Error)?.message ?? String(err);
  const nodeReason = /ENOENT/.test(message) ? 'no such file or directory' : /EACCES/.test(message) ? 'permission denied' : undefined;
  const reason = code === 4 && message !== 'Failure' ? message : (code !== undefined ? REASONS[code] : nodeReason) ?? message;
  return new BakeError(`sftp: cannot ${what}: ${reason}`, { cause: err });
}
