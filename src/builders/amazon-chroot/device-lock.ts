import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Device letters a build has picked but EC2 may not show as attached yet, locked across every bake
 * process on this host (as Packer's lock file does), so two parallel builds never attach to the
 * same device. A lock whose process is gone is stale and taken over.
 */
export class DeviceLocks {
  constructor(readonly dir = process.env.BAKE_DEVICE_LOCK_DIR || '/run/lock/bake-amazon-chroot') {}

  /** Takes the lock of `name` (e.g. "sdf"), or returns false when a live process holds it. */
  tryLock(name: string): boolean {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, name);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (holderAlive(path)) return false;
        rmSync(path, { force: true });
      }
    }
    return false;
  }

  unlock(name: string): void {
    const path = join(this.dir, name);
    if (readPid(path) === process.pid) rmSync(path, { force: true });
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function holderAlive(path: string): boolean {
  const pid = readPid(path);
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
