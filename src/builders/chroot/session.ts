import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { ChrootNamespace, shellQuote as q } from '../../communicator/index.js';
import { BakeError } from '../../core/errors.js';
import type { Logger } from '../../core/events.js';
import { sleep } from '../../core/wait.js';
import { runTool } from '../../local-image/index.js';

/** A host file put in place of an image path for the build (copy_files, policy-rc.d). */
interface Placed {
  /** The path inside the image, its directory's symlinks resolved inside the image. */
  target: string;
  /** Where the image's own file (or symlink) waits meanwhile, renamed, so the very same inode comes back. */
  saved?: string;
  /** Inode of bake's copy: when a provisioner replaced it, the provisioner's file stays. */
  ino: number;
  /** Directories bake made for it (deepest first), removed with it when they are empty again. */
  made: string[];
}
/**
 * One mounted image: the namespace that holds its mounts, the mount point, and what bake put in place
 * of the image's files. teardown() leaves the working file unmounted, detached and exactly as the
 * provisioners left it; it may run more than once (release, then cleanup).
 */
export class ChrootSession {
  private placed: Placed[] = [];
  private torn = false;

  constructor(
    readonly ns: ChrootNamespace,
    readonly root: string,
    readonly diskFile: string,
  ) {}

  /** A path of the image as bake can reach it from the host (through the holder's view of its mounts). */
  hostView(path: string): string {
    return `/proc/${this.ns.pid}/root${this.root}${path}`;
  }

  /**
   * Resolves every symlink of an image path inside the image, as the chroot would (an absolute link
   * points into the image, never at the host). The last component may be missing.
   */
  async resolveInImage(path: string): Promise<string> {
    const parts = path.split('/').filter(Boolean);
    let done = '';
    for (let i = 0, hops = 0; i < parts.length; i++) {
      const name = parts[i]!;
      if (name === '.') continue;
      if (name === '..') {
        done = posix.dirname(done || '/') === '/' ? '' : posix.dirname(done);
        continue;
      }
      const next = `${done}/${name}`;
      let link: string | undefined;
      try {
        if ((await lstat(this.hostView(next))).isSymbolicLink()) link = await readlink(this.hostView(next));
      } catch {
        link = undefined;
      }
      if (link === undefined) {
        done = next;
        continue;
      }
      if (++hops > 40) throw new BakeError(`chroot: too many symlinks in ${path} inside the image`);
      const rest = parts.slice(i + 1);
      parts.splice(0, parts.length, ...link.split('/').filter(Boolean), ...rest);
      if (link.startsWith('/')) done = '';
      i = -1;
    }
    return done || '/';
  }

  /**
   * Puts a host file at an image path for the build. A symlink into /run or /tmp (tmpfs for the
   * build) is left alone and its target written there; anything else is renamed aside and renamed
   * back by teardown, unless a provisioner replaced bake's file on purpose.
   */
  async place(hostFile: string, path: string, log: Logger): Promise<void> {
    const name = posix.basename(path);
    const dir = await this.resolveInImage(posix.dirname(path));
    const target = posix.join(dir, name);
    const current = await lstat(this.hostView(target)).catch(() => undefined);
    if (current?.isSymbolicLink()) {
      const resolved = await this.resolveInImage(target);
      if (/^\/(run|tmp)(\/|$)/.test(resolved)) {
        const t = q(`${this.root}${resolved}`);
        await this.ns.run(['sh', '-c', `mkdir -p "$(dirname ${t})" && cp ${q(hostFile)} ${t}`]);
        log.debug(`${path}: a link to ${resolved}, which is on the build's own tmpfs; written there`);
        return;
      }
    }
    const t = q(`${this.root}${target}`);
    const saved = current ? posix.join(dir, `.${name}.bake-saved`) : undefined;
    const made: string[] = [];
    for (let d = dir; d !== '/' && !(await lstat(this.hostView(d)).catch(() => undefined)); d = posix.dirname(d)) made.push(d);
    await this.ns.run(['sh', '-c', `mkdir -p "$(dirname ${t})"${saved ? ` && mv ${t} ${q(`${this.root}${saved}`)}` : ''} && cp ${q(hostFile)} ${t}`]);
    this.placed.push({ target, saved, ino: (await lstat(this.hostView(target))).ino, made });
  }

  /** Takes bake's files away and puts the image's own back, before anything is unmounted. */
  private async restore(log: Logger): Promise<void> {
    for (const p of [...this.placed].reverse()) {
      const t = q(`${this.root}${p.target}`);
      const now = await lstat(this.hostView(p.target)).catch(() => undefined);
      const ours = now?.ino === p.ino;
      if (!ours && now) log.info(`${p.target} was replaced during provisioning; keeping the new one`);
      const saved = p.saved ? q(`${this.root}${p.saved}`) : undefined;
      const script = [ours ? `rm -f ${t}` : ':', saved ? (ours || !now ? `mv ${saved} ${t}` : `rm -f ${saved}`) : ':'];
      if (ours) script.push(...p.made.map((d) => `{ rmdir ${q(`${this.root}${d}`)} 2>/dev/null || :; }`));
      await this.ns.run(['sh', '-c', script.join(' && ')]);
    }
  }

  /**
   * Kills what provisioning left running, puts the image's own files back, unmounts everything and ends the
   * namespace; then waits until no loop device holds the working file.
   */
  async teardown(log: Logger): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    if (this.ns.alive) {
      const killed = await this.ns.killMembers();
      if (killed > 0) log.info(`Stopped ${killed} process${killed === 1 ? '' : 'es'} left running in the chroot`);
      try {
        await this.restore(log);
        await this.ns.run(['umount', '-R', this.root]);
      } finally {
        await this.ns.stop();
      }
    }
    for (let i = 0; ; i++) {
      const held = (await runTool('losetup', ['-j', this.diskFile])).trim();
      if (!held) return;
      if (i >= 100) throw new BakeError(`chroot: loop devices still hold ${this.diskFile}: ${held}`);
      await sleep(100);
    }
  }
}
