import { readFileSync } from 'node:fs';

/** Linux capability names by number (capability.h), as setpriv and bwrap spell them without the CAP_ prefix. */
const NAMES = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'linux_immutable',
  'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace',
  'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease', 'audit_write',
  'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf',
  'checkpoint_restore',
];

/**
 * What the image's programs never get: the machine (modules, raw I/O, reboot, clock, kernel log,
 * accounting, suspend), other processes (ptrace), the network's configuration, mounts and the rest of
 * CAP_SYS_ADMIN, the security modules and the audit log. Root in the image keeps what package installs
 * need: file ownership and modes, setuid/setgid, file capabilities (setfcap), device nodes (on
 * filesystems mounted nodev, so they never open), kill, chroot, nice.
 */
export const DROPPED = [
  'sys_admin', 'sys_module', 'sys_rawio', 'sys_boot', 'sys_time', 'sys_ptrace', 'net_admin', 'sys_pacct', 'sys_tty_config', 'mac_override',
  'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_control', 'audit_read', 'perfmon', 'bpf', 'checkpoint_restore',
];

/** The capabilities this (root) process holds, by name: the most the sandbox can hand on. */
export function heldCapabilities(status = readFileSync('/proc/self/status', 'utf8')): string[] {
  const hex = /^CapPrm:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
  const mask = BigInt(`0x${hex}`);
  return NAMES.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

/**
 * setpriv's two steps before bwrap: every held capability made inheritable, then ambient (so bwrap,
 * started by root, still has what it needs to build the sandbox), and the bounding set without
 * DROPPED, so that nothing the sandbox runs can gain those back through any exec.
 */
export function boundingArgs(held = heldCapabilities()): string[] {
  const all = held.map((c) => `+${c}`).join(',');
  return ['setpriv', `--inh-caps=${all}`, '--', 'setpriv', `--ambient-caps=${all}`, `--bounding-set=${DROPPED.map((c) => `-${c}`).join(',')}`, '--'];
}

/** bwrap's arguments that take DROPPED out of the command's own sets. */
export function dropArgs(): string[] {
  return DROPPED.flatMap((c) => ['--cap-drop', `CAP_${c.toUpperCase()}`]);
}
