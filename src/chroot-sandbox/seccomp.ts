import { endianness } from 'node:os';

/** What the filter refuses, by name: systemd-nspawn's refusals that matter without CAP_SYS_ADMIN's own checks, and a few more. */
const REFUSED = [
  // Kernel modules and another kernel.
  'init_module', 'finit_module', 'delete_module', 'kexec_load', 'kexec_file_load',
  // The machine itself: reboot, swap, the clock, the kernel log, process accounting, raw I/O ports.
  'reboot', 'swapon', 'swapoff', 'settimeofday', 'stime', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64', 'adjtimex',
  'syslog', 'acct', 'ioperm', 'iopl', 'vhangup', 'quotactl', 'lookup_dcookie',
  // Mounts, in any namespace (the old API and the new file-descriptor one), and a new root.
  'mount', 'umount', 'umount2', 'pivot_root', 'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr',
  // The kernel keyrings are not namespaced: the host's keys.
  'add_key', 'request_key', 'keyctl',
  // Files by handle bypass the root entirely; BPF programs and perf events reach the whole kernel.
  'open_by_handle_at', 'bpf', 'perf_event_open',
] as const;

type Syscall = (typeof REFUSED)[number] | 'clone' | 'unshare' | 'clone3';

/** Syscall numbers per audit architecture (from the kernel's unistd headers); absent: the call does not exist there. */
const TABLES: Record<string, { audit: number; numbers: Partial<Record<Syscall, number>> }> = {
  x86_64: {
    audit: 0xc000003e,
    numbers: {
      init_module: 175, finit_module: 313, delete_module: 176, kexec_load: 246, kexec_file_load: 320, reboot: 169, swapon: 167, swapoff: 168,
      settimeofday: 164, clock_settime: 227, clock_adjtime: 305, adjtimex: 159, syslog: 103, acct: 163, ioperm: 173, iopl: 172, vhangup: 153,
      quotactl: 179, lookup_dcookie: 212, mount: 165, umount2: 166, pivot_root: 155, open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431,
      fsmount: 432, fspick: 433, mount_setattr: 442, add_key: 248, request_key: 249, keyctl: 250, open_by_handle_at: 304, bpf: 321,
      perf_event_open: 298, clone: 56, unshare: 272, clone3: 435,
    },
  },
  i386: {
    audit: 0x40000003,
    numbers: {
      init_module: 128, finit_module: 350, delete_module: 129, kexec_load: 283, reboot: 88, swapon: 87, swapoff: 115, settimeofday: 79, stime: 25,
      clock_settime: 264, clock_settime64: 404, clock_adjtime: 343, clock_adjtime64: 405, adjtimex: 124, syslog: 103, acct: 51, ioperm: 101, iopl: 110,
      vhangup: 111, quotactl: 131, lookup_dcookie: 253, mount: 21, umount: 22, umount2: 52, pivot_root: 217, open_tree: 428, move_mount: 429,
      fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, mount_setattr: 442, add_key: 286, request_key: 287, keyctl: 288, open_by_handle_at: 342,
      bpf: 357, perf_event_open: 336, clone: 120, unshare: 310, clone3: 435,
    },
  },
  aarch64: {
    audit: 0xc00000b7,
    numbers: {
      init_module: 105, finit_module: 273, delete_module: 106, kexec_load: 104, kexec_file_load: 294, reboot: 142, swapon: 224, swapoff: 225,
      settimeofday: 170, clock_settime: 112, clock_adjtime: 266, adjtimex: 171, syslog: 116, acct: 89, vhangup: 58, quotactl: 60, lookup_dcookie: 18,
      mount: 40, umount2: 39, pivot_root: 41, open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433,
      mount_setattr: 442, add_key: 217, request_key: 218, keyctl: 219, open_by_handle_at: 265, bpf: 280, perf_event_open: 241, clone: 220,
      unshare: 97, clone3: 435,
    },
  },
};

/** The audit architectures a host's processes make system calls in (an x86-64 host also runs i386 programs). */
const HOST_ARCHES: Record<string, string[]> = { x64: ['x86_64', 'i386'], ia32: ['i386'], arm64: ['aarch64'] };

const CLONE_NEWUSER = 0x10000000;
const EPERM = 1;
const ENOSYS = 38;
const X32_BIT = 0x40000000;

const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const retErrno = (errno: number) => 0x00050000 | errno;

type Insn = [code: number, jt: number, jf: number, k: number];

/**
 * The sandbox's seccomp filter as a classic BPF program (what `bwrap --seccomp FD` loads; libseccomp
 * is out of Node's reach). Refused calls fail with EPERM, as in systemd-nspawn; a new user namespace
 * (clone/unshare with CLONE_NEWUSER, which would give back every capability inside it) is refused
 * too, and clone3, whose flags a filter cannot read, answers ENOSYS so that libc falls back to
 * clone. A call of an architecture the filter does not know (x32 included) is refused.
 * Undefined on a host architecture bake has no syscall table for.
 */
export function seccompProgram(hostArch: string = process.arch): Buffer | undefined {
  const arches = HOST_ARCHES[hostArch];
  if (!arches) return undefined;
  const argLow = endianness() === 'LE' ? 16 : 20;
  const insns: Insn[] = [];
  for (const name of arches) {
    const { audit, numbers } = TABLES[name]!;
    const body: Insn[] = [[LD_W_ABS, 0, 0, 0]];
    if (name === 'x86_64') body.push([JGE_K, 0, 1, X32_BIT], [RET_K, 0, 0, retErrno(EPERM)]);
    for (const call of REFUSED) {
      const nr = numbers[call];
      if (nr !== undefined) body.push([JEQ_K, 0, 1, nr], [RET_K, 0, 0, retErrno(EPERM)]);
    }
    body.push([JEQ_K, 0, 1, numbers.clone3!], [RET_K, 0, 0, retErrno(ENOSYS)]);
    for (const nr of [numbers.clone!, numbers.unshare!]) {
      body.push([JEQ_K, 0, 4, nr], [LD_W_ABS, 0, 0, argLow], [JSET_K, 0, 1, CLONE_NEWUSER], [RET_K, 0, 0, retErrno(EPERM)], [RET_K, 0, 0, RET_ALLOW]);
    }
    body.push([RET_K, 0, 0, RET_ALLOW]);
    insns.push([LD_W_ABS, 0, 0, 4], [JEQ_K, 0, body.length, audit], ...body);
  }
  insns.push([RET_K, 0, 0, retErrno(EPERM)]);
  const out = Buffer.alloc(insns.length * 8);
  const le = endianness() === 'LE';
  insns.forEach(([code, jt, jf, k], i) => {
    if (le) {
      out.writeUInt16LE(code, i * 8);
      out.writeUInt32LE(k >>> 0, i * 8 + 4);
    } else {
      out.writeUInt16BE(code, i * 8);
      out.writeUInt32BE(k >>> 0, i * 8 + 4);
    }
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
  });
  return out;
}
