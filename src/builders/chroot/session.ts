import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { ChrootNamespace, shellQuote as q } from '../../communicator/index.js';
import { BakeError } from '../../core/errors.js';
import type { Logger } from '../../core/events.js';
import { sleep } from '../../core/wait.js';
import { runTool } from '../../local-image/index.js';

/** A host file laid over a path of the image for the build (copy_files, policy-rc.d). */
interface Overlay {
  /** The path inside the image, every symlink resolved inside the image. */
  target: string;
  /** bake created the target as a placeholder for the bind mount, so it removes it afterwards. */
  created: boolean;
}

/**
 * One mounted image: the namespace that holds its mounts, the mount point, and what bake laid over
 * the image's files. teardown() leaves the working file unmounted, detached and exactly as the
 * provisioners left it; it may run more than once (release, then cleanup).
 */
export class ChrootSession {
  private overlays: Overlay[] = [];
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

  /** Binds a host file over an image path for the build; the image's own file (or its absence) is what remains afterwards. */
  async overlay(hostFile: string, path: string): Promise<string> {
    const target = await this.resolveInImage(path);
    let exists = true;
    try {
      await lstat(this.hostView(target));
    } catch {
      exists = false;
    }
    const t = q(`${this.root}${target}`);
    if (!exists) await this.ns.run(['sh', '-c', `mkdir -p "$(dirname ${t})" && : > ${t}`]);
    this.overlays.push({ target, created: !exists });
    await this.ns.run(['mount', '--bind', hostFile, `${this.root}${target}`]);
    return target;
  }

  /**
   * Kills what provisioning left running, takes the overlays away, unmounts everything and ends the
   * namespace; then waits until no loop device holds the working file.
   */
  async teardown(log: Logger): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    if (this.ns.alive) {
      const killed = await this.ns.killMembers();
      if (killed > 0) log.info(`Stopped ${killed} process${killed === 1 ? '' : 'es'} left running in the chroot`);
      try {
        for (const o of [...this.overlays].reverse()) {
          const t = q(`${this.root}${o.target}`);
          await this.ns.run(['sh', '-c', `umount ${t}${o.created ? ` && rm -f ${t}` : ''}`]);
        }
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
