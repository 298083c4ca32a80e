import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { InRoot, Sandbox } from '../../chroot-sandbox/index.js';
import type { ChrootNamespace } from '../../communicator/index.js';
import { BakeError } from '../../core/errors.js';
import type { Logger } from '../../core/events.js';
import { sleep } from '../../core/wait.js';
import { runTool } from '../../local-image/index.js';

/** A host file put in place of an image path for the build (copy_files, policy-rc.d, the emulator). */
interface Placed {
  /** The path inside the image, its directory's symlinks resolved inside the image. */
  target: string;
  /** Where the image's own file (or symlink) waits meanwhile, renamed, so the very same inode comes back. */
  saved?: string;
  /** Device, inode and bytes of bake's copy: when a provisioner replaced it (even on a reused inode), the provisioner's file stays. */
  dev: number;
  ino: number;
  content: Buffer;
  /** Directories bake made for it (deepest first), removed with it when they are empty again. */
  made: string[];
}

/**
 * One mounted image: the namespace that holds its mounts, the mount point, and what bake put in place
 * of the image's files. Every path of the image bake touches goes through `image` (resolved inside
 * the image's root, never on the host). teardown() leaves the working file unmounted, detached and
 * exactly as the provisioners left it; it may run more than once (release, then cleanup).
 */
export class ChrootSession {
  private placed: Placed[] = [];
  private torn = false;
  private running?: Sandbox;
  /** Image paths (resolved) of the tmpfs bake mounted for the build. */
  private scratch: string[] = [];
  /** The image's root as bake reaches it from the host (through the holder's view of its mounts). */
  readonly image: InRoot;

  constructor(
    readonly ns: ChrootNamespace,
    readonly root: string,
    readonly diskFile: string,
  ) {
    this.image = new InRoot(`/proc/${ns.pid}/root${root}`);
  }

  /** Starts the sandbox the image's programs run in, once everything is mounted. */
  async startSandbox(stateDir: string): Promise<void> {
    this.running = await Sandbox.start({ holder: this.ns, root: this.root, stateDir });
  }

  /** Where the image's programs run (after startSandbox). */
  get sandbox(): Sandbox {
    if (!this.running) throw new BakeError('chroot: the sandbox has not started');
    return this.running;
  }

  /**
   * A directory of the image to mount on, made if missing, as a path inside the namespace: resolved
   * inside the image, so that no symlink of the image (/tmp -> /var/tmp, a `..`) moves the mount.
   */
  mountTarget(path: string): string {
    const { path: resolved } = this.image.mkdirs(path);
    return resolved === '/' ? this.root : `${this.root}${resolved}`;
  }

  /** Mounts a tmpfs of the build's own on an image directory: what is written below it never reaches the output image. */
  async mountScratch(path: string, options: string): Promise<void> {
    const target = this.mountTarget(path);
    await this.ns.run(['mount', '-t', 'tmpfs', '-o', options, 'tmpfs', target]);
    this.scratch.push(this.image.resolve(path));
  }

  private onScratch(path: string): boolean {
    return this.scratch.some((d) => d === '/' || path === d || path.startsWith(`${d}/`));
  }

  /**
   * Puts a host file at an image path for the build. A symlink into one of the build's own tmpfs
   * (systemd-resolved's resolv.conf -> /run/…) is left alone and its target written there; anything
   * else (a link into the image's disk, or into a host directory a template binds) is renamed aside
   * and renamed back by teardown, unless a provisioner replaced bake's file on purpose.
   */
  async place(hostFile: string, path: string, log: Logger): Promise<void> {
    const content = await readFile(hostFile);
    const mode = (await stat(hostFile)).mode & 0o777;
    const name = posix.basename(path);
    const dir = this.image.resolve(posix.dirname(path));
    const target = posix.join(dir, name);
    const current = this.image.stat(target);
    if (current?.isSymbolicLink()) {
      const resolved = this.image.resolve(target);
      if (this.onScratch(resolved)) {
        this.image.mkdirs(posix.dirname(resolved));
        if (this.image.stat(resolved)) this.image.unlink(resolved);
        this.image.create(resolved, content, mode);
        log.debug(`${path}: a link to ${resolved}, which is on the build's own tmpfs; written there`);
        return;
      }
    }
    const saved = current ? posix.join(dir, `.${name}.bake-saved`) : undefined;
    if (saved) {
      if (this.image.stat(saved)) throw new BakeError(`chroot: ${saved} is already in the image (left by an interrupted build?): remove it from the source image`);
      this.image.rename(dir, name, posix.basename(saved));
    }
    const { made } = this.image.create(target, content, mode);
    const now = this.image.stat(target)!;
    this.placed.push({ target, saved, dev: now.dev, ino: now.ino, content, made });
  }

  /** Whether the file at p.target is still bake's copy: same device, inode and bytes. */
  private stillOurs(p: Placed): boolean {
    const now = this.image.stat(p.target);
    if (!now?.isFile() || now.dev !== p.dev || now.ino !== p.ino || now.size !== p.content.length) return false;
    try {
      return this.image.read(p.target, p.content.length)!.equals(p.content);
    } catch {
      return false;
    }
  }

  /** Takes bake's files away and puts the image's own back, before anything is unmounted. */
  private restore(log: Logger): void {
    for (const p of [...this.placed].reverse()) {
      const ours = this.stillOurs(p);
      const now = this.image.stat(p.target);
      if (!ours && now) log.info(`${p.target} was replaced during provisioning; keeping the new one`);
      if (ours) this.image.unlink(p.target);
      if (p.saved) {
        if (ours || !now) this.image.rename(posix.dirname(p.target), posix.basename(p.saved), posix.basename(p.target));
        else this.image.unlink(p.saved);
      }
      if (ours) p.made.forEach((d) => this.image.rmdirIfEmpty(d));
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
      const killed = (await this.running?.stop()) ?? 0;
      await this.ns.killMembers();
      if (killed > 0) log.info(`Stopped ${killed} process${killed === 1 ? '' : 'es'} left running in the chroot`);
      try {
        this.restore(log);
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
