import { shellQuote as q } from '../../communicator/index.js';
import type { ChrootMount } from './resolve.js';
import type { ChrootSession } from './session.js';

/** Host device nodes the chroot gets (bound one by one onto a tmpfs /dev, never the host's whole /dev). */
const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

/**
 * bake's default API filesystems, mounted inside the build's namespace: /proc of the namespace's own
 * PID namespace, /sys read-only, a minimal /dev with its own devpts instance (so nothing touches the
 * host's /dev/pts), and tmpfs on /dev/shm, /run and /tmp. Each mount point is resolved inside the
 * image first; what lies below a fresh tmpfs is bake's own.
 */
export async function mountDefaults(session: ChrootSession): Promise<void> {
  const run = (script: string[]) => session.ns.run(['sh', '-c', ['set -e', ...script].join('\n')]);
  await run([`mount -t proc -o nosuid,nodev,noexec proc ${q(session.mountTarget('/proc'))}`]);
  await run([`mount -t sysfs -o ro,nosuid,nodev,noexec sysfs ${q(session.mountTarget('/sys'))}`]);
  const dev = session.mountTarget('/dev');
  const d = (p: string) => q(`${dev}/${p}`);
  await run([
    `mount -t tmpfs -o mode=755,nosuid,size=16m tmpfs ${q(dev)}`,
    ...DEVICES.map((n) => `touch ${d(n)} && mount --bind /dev/${n} ${d(n)}`),
    `mkdir ${d('pts')} ${d('shm')}`,
    `mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5,nosuid,noexec devpts ${d('pts')}`,
    `ln -s pts/ptmx ${d('ptmx')}`,
    `mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs ${d('shm')}`,
    `ln -s /proc/self/fd ${d('fd')} && ln -s /proc/self/fd/0 ${d('stdin')} && ln -s /proc/self/fd/1 ${d('stdout')} && ln -s /proc/self/fd/2 ${d('stderr')}`,
  ]);
  await run([`mount -t tmpfs -o mode=755,nosuid,nodev tmpfs ${q(session.mountTarget('/run'))}`]);
  await run([`mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs ${q(session.mountTarget('/tmp'))}`]);
}

/**
 * A template's chroot_mounts: "bind" binds a host path, anything else is a filesystem type. Each
 * target is resolved inside the image just before its mount (an earlier mount may change it), so a
 * `..` or a symlink of the image never moves a mount outside the image.
 */
export async function mountCustom(session: ChrootSession, mounts: ChrootMount[]): Promise<void> {
  for (const m of mounts) {
    const target = session.mountTarget(m.target);
    await session.ns.run(m.type === 'bind' ? ['mount', '--bind', m.source, target] : ['mount', '-t', m.type, m.source, target]);
  }
}
