/**
 * A disposable, real Debian 12 system for tests: a root filesystem built once with mmdebstrap
 * (cached by recipe hash under BAKE_CACHE_DIR, XDG_CACHE_HOME/bake or ~/.cache/bake), extracted
 * fresh per test run, with its own sshd in a private mount + pid namespace and chroot on a free
 * loopback port — alone, or under a real systemd booted as PID 1 (`boot: true`). Killing the
 * namespace's first process unmounts everything it mounted.
 */
export { OFFLINE_PACKAGES, ensureRootfs, hostMirror, startDebianSystem } from './debian-rootfs-launcher.mjs';
export type { DebianSystem, DebianSystemOptions } from './debian-rootfs-launcher.mjs';
