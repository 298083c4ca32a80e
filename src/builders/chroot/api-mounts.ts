import type { Logger } from '../../core/events.js';
import type { ChrootMount } from './resolve.js';
import type { ChrootSession } from './session.js';

/** Filesystems the sandbox mounts itself, for each command (chroot-sandbox's Sandbox): never the template's. */
const SANDBOX_OWN = /^\/(proc|sys|dev)(\/|$)/;

/**
 * bake's default filesystems for the build: tmpfs on /run and /tmp, shared by every command of the
 * build (the sandbox adds /proc, /sys and /dev). Each mount point is resolved inside the image first,
 * so an image's /tmp -> /var/tmp puts the tmpfs on its /var/tmp, never anywhere else.
 */
export async function mountDefaults(session: ChrootSession): Promise<void> {
  await session.mountScratch('/run', 'mode=755,nosuid,nodev');
  await session.mountScratch('/tmp', 'mode=1777,nosuid,nodev');
}

/**
 * A template's chroot_mounts: "bind" binds a host path, anything else is a filesystem type; every one
 * nodev and nosuid. Each target is resolved inside the image just before its mount (an earlier mount
 * may change it), so a `..` or a symlink of the image never moves a mount outside the image.
 */
export async function mountCustom(session: ChrootSession, mounts: ChrootMount[], log: Logger): Promise<void> {
  for (const m of mounts) {
    const resolved = session.image.resolve(m.target);
    if (SANDBOX_OWN.test(resolved)) {
      log.info(`chroot_mounts: ${m.target} is the sandbox's own (fresh /proc, read-only /sys, minimal /dev); not mounted`);
      continue;
    }
    if (m.type === 'tmpfs') {
      await session.mountScratch(m.target, 'nodev,nosuid');
      continue;
    }
    const target = session.mountTarget(m.target);
    if (m.type === 'bind') {
      await session.ns.run(['mount', '--bind', m.source, target]);
      await session.ns.run(['mount', '-o', 'remount,bind,nodev,nosuid', target]);
    } else {
      await session.ns.run(['mount', '-t', m.type, '-o', 'nodev,nosuid', m.source, target]);
    }
  }
}
