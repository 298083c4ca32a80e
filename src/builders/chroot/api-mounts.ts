import { shellQuote as q } from '../../communicator/index.js';
import type { ChrootMount } from './resolve.js';

/** Host device nodes the chroot gets (bound one by one onto a tmpfs /dev, never the host's whole /dev). */
const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

/**
 * bake's default API filesystems, as one shell script run inside the build's namespace: /proc of
 * the namespace's own PID namespace, /sys read-only, a minimal /dev with its own devpts instance
 * (so nothing touches the host's /dev/pts), and tmpfs on /dev/shm, /run and /tmp.
 */
export function defaultMountScript(root: string): string {
  const r = (p: string) => q(`${root}${p}`);
  return [
    'set -e',
    `mkdir -p ${r('/proc')} ${r('/sys')} ${r('/dev')} ${r('/run')} ${r('/tmp')}`,
    `mount -t proc -o nosuid,nodev,noexec proc ${r('/proc')}`,
    `mount -t sysfs -o ro,nosuid,nodev,noexec sysfs ${r('/sys')}`,
    `mount -t tmpfs -o mode=755,nosuid,size=16m tmpfs ${r('/dev')}`,
    ...DEVICES.map((d) => `touch ${r(`/dev/${d}`)} && mount --bind /dev/${d} ${r(`/dev/${d}`)}`),
    `mkdir ${r('/dev/pts')} ${r('/dev/shm')}`,
    `mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5,nosuid,noexec devpts ${r('/dev/pts')}`,
    `ln -s pts/ptmx ${r('/dev/ptmx')}`,
    `mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs ${r('/dev/shm')}`,
    `ln -s /proc/self/fd ${r('/dev/fd')} && ln -s /proc/self/fd/0 ${r('/dev/stdin')} && ln -s /proc/self/fd/1 ${r('/dev/stdout')} && ln -s /proc/self/fd/2 ${r('/dev/stderr')}`,
    `mount -t tmpfs -o mode=755,nosuid,nodev tmpfs ${r('/run')}`,
    `mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs ${r('/tmp')}`,
  ].join('\n');
}

/** A template's chroot_mounts as a script: "bind" binds a host path, anything else is a filesystem type. */
export function customMountScript(root: string, mounts: ChrootMount[]): string {
  return [
    'set -e',
    ...mounts.map((m) => {
      const target = q(`${root}${m.target}`);
      const how = m.type === 'bind' ? `mount --bind ${q(m.source)} ${target}` : `mount -t ${q(m.type)} ${q(m.source)} ${target}`;
      return `mkdir -p ${target} && ${how}`;
    }),
  ].join('\n');
}
