import { endianness } from 'node:os';
import { describe, expect, it } from 'vitest';
import { seccompProgram } from '../../src/chroot-sandbox/index.js';

/**
 * The sandbox's seccomp program, run by a classic-BPF interpreter over seccomp_data as the kernel
 * lays it out (nr, arch, instruction pointer, six 64-bit arguments). The syscall numbers below are
 * taken from the kernel's headers (asm/unistd_64.h, unistd_32.h, asm-generic/unistd.h), not from
 * bake's own table, so a wrong number there shows here. That the kernel loads and applies the
 * program is shown by test/builders/chroot/untrusted-image.test.ts (Seccomp: 2, a refused user
 * namespace and keyring call in the sandbox).
 */
const AUDIT = { x86_64: 0xc000003e, i386: 0x40000003, aarch64: 0xc00000b7, arm: 0x40000028 };
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;
const ALLOW = 0x7fff0000;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWNS = 0x00020000;

function run(program: Buffer, arch: number, nr: number, arg0 = 0): number {
  const le = endianness() === 'LE';
  const data = Buffer.alloc(64);
  const w32 = (v: number, at: number) => (le ? data.writeUInt32LE(v >>> 0, at) : data.writeUInt32BE(v >>> 0, at));
  w32(nr, 0);
  w32(arch, 4);
  w32(arg0, le ? 16 : 20);
  const word = (at: number) => (le ? data.readUInt32LE(at) : data.readUInt32BE(at));
  let a = 0;
  for (let pc = 0, steps = 0; steps < 10_000; steps++) {
    const at = pc * 8;
    const code = le ? program.readUInt16LE(at) : program.readUInt16BE(at);
    const [jt, jf] = [program.readUInt8(at + 2), program.readUInt8(at + 3)];
    const k = le ? program.readUInt32LE(at + 4) : program.readUInt32BE(at + 4);
    switch (code) {
      case 0x20: // BPF_LD | BPF_W | BPF_ABS
        a = word(k);
        pc++;
        break;
      case 0x15: // BPF_JMP | BPF_JEQ | BPF_K
        pc += 1 + (a === k ? jt : jf);
        break;
      case 0x35: // BPF_JMP | BPF_JGE | BPF_K
        pc += 1 + (a >= k ? jt : jf);
        break;
      case 0x45: // BPF_JMP | BPF_JSET | BPF_K
        pc += 1 + ((a & k) !== 0 ? jt : jf);
        break;
      case 0x06: // BPF_RET | BPF_K
        return k;
      default:
        throw new Error(`instruction ${pc}: unexpected opcode ${code.toString(16)}`);
    }
    if (pc * 8 >= program.length) throw new Error('ran off the end of the program');
  }
  throw new Error('no return');
}

/** Calls the issue names (modules, kexec, reboot, swap, mounts, keyrings) and a few more nspawn refuses, by architecture. */
const REFUSED = {
  x86_64: { init_module: 175, finit_module: 313, delete_module: 176, kexec_load: 246, kexec_file_load: 320, reboot: 169, swapon: 167, swapoff: 168, mount: 165, umount2: 166, pivot_root: 155, fsopen: 430, fsmount: 432, move_mount: 429, open_tree: 428, add_key: 248, request_key: 249, keyctl: 250, settimeofday: 164, syslog: 103, open_by_handle_at: 304, bpf: 321 },
  i386: { init_module: 128, finit_module: 350, kexec_load: 283, reboot: 88, swapon: 87, mount: 21, umount2: 52, add_key: 286, request_key: 287, keyctl: 288, open_by_handle_at: 342, bpf: 357 },
  aarch64: { init_module: 105, finit_module: 273, kexec_load: 104, kexec_file_load: 294, reboot: 142, swapon: 224, mount: 40, umount2: 39, add_key: 217, request_key: 218, keyctl: 219, bpf: 280 },
};

describe('seccomp program of the sandbox', () => {
  const x64 = seccompProgram('x64')!;
  const arm64 = seccompProgram('arm64')!;

  it('refuses module loading, kexec, reboot, swap, mounts and the keyring calls with EPERM, on each architecture the host runs', () => {
    for (const [name, nr] of Object.entries(REFUSED.x86_64)) expect(run(x64, AUDIT.x86_64, nr), `x86_64 ${name}`).toBe(EPERM);
    for (const [name, nr] of Object.entries(REFUSED.i386)) expect(run(x64, AUDIT.i386, nr), `i386 ${name} on x86-64`).toBe(EPERM);
    for (const [name, nr] of Object.entries(REFUSED.aarch64)) expect(run(arm64, AUDIT.aarch64, nr), `aarch64 ${name}`).toBe(EPERM);
  });

  it('lets ordinary calls through (read, write, openat, execve, a clone for a process or a mount namespace)', () => {
    for (const nr of [0, 1, 257, 59]) expect(run(x64, AUDIT.x86_64, nr)).toBe(ALLOW);
    for (const nr of [3, 4, 295, 11]) expect(run(x64, AUDIT.i386, nr)).toBe(ALLOW);
    for (const nr of [63, 64, 56, 221]) expect(run(arm64, AUDIT.aarch64, nr)).toBe(ALLOW);
    expect(run(x64, AUDIT.x86_64, 56, 0x11)).toBe(ALLOW);
    expect(run(x64, AUDIT.x86_64, 272, CLONE_NEWNS)).toBe(ALLOW);
  });

  it('refuses a new user namespace through clone or unshare, and sends clone3 (whose flags it cannot read) back to clone', () => {
    expect(run(x64, AUDIT.x86_64, 56, CLONE_NEWUSER | 0x11)).toBe(EPERM);
    expect(run(x64, AUDIT.x86_64, 272, CLONE_NEWUSER)).toBe(EPERM);
    expect(run(x64, AUDIT.i386, 120, CLONE_NEWUSER)).toBe(EPERM);
    expect(run(x64, AUDIT.i386, 310, CLONE_NEWUSER | CLONE_NEWNS)).toBe(EPERM);
    expect(run(arm64, AUDIT.aarch64, 220, CLONE_NEWUSER)).toBe(EPERM);
    expect(run(arm64, AUDIT.aarch64, 97, CLONE_NEWUSER)).toBe(EPERM);
    expect(run(x64, AUDIT.x86_64, 435)).toBe(ENOSYS);
    expect(run(arm64, AUDIT.aarch64, 435)).toBe(ENOSYS);
  });

  it('refuses every call of an architecture it has no table for, x32 included', () => {
    expect(run(x64, AUDIT.x86_64, 0x40000000 | 0)).toBe(EPERM);
    expect(run(x64, AUDIT.arm, 3)).toBe(EPERM);
    expect(run(x64, AUDIT.aarch64, 63)).toBe(EPERM);
    expect(run(arm64, AUDIT.x86_64, 0)).toBe(EPERM);
    expect(seccompProgram('riscv64')).toBeUndefined();
  });
});
