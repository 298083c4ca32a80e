import { open } from 'node:fs/promises';

/** An ELF machine bake can name: Debian's architecture name and QEMU's (qemu-<name>-static, binfmt handler qemu-<name>). */
interface Machine {
  debian: string;
  qemu: string;
}

/** By ELF e_machine; `le`/`be` where the byte order decides the name (ppc64el vs ppc64). */
const MACHINES: Record<number, Machine | { le: Machine; be: Machine }> = {
  0x03: { debian: 'i386', qemu: 'i386' },
  0x28: { debian: 'armhf', qemu: 'arm' },
  0x3e: { debian: 'x86-64', qemu: 'x86_64' },
  0xb7: { debian: 'arm64', qemu: 'aarch64' },
  0xf3: { debian: 'riscv64', qemu: 'riscv64' },
  0x15: { le: { debian: 'ppc64el', qemu: 'ppc64le' }, be: { debian: 'ppc64', qemu: 'ppc64' } },
  0x16: { debian: 's390x', qemu: 's390x' },
};

/** What each Node host architecture runs natively, as ELF machines. */
const NATIVE: Record<string, number[]> = { x64: [0x3e, 0x03], arm64: [0xb7, 0x28], ia32: [0x03], riscv64: [0xf3], s390x: [0x16], ppc64: [0x15] };

/** The first bytes of one of the image's programs: its ELF header, which binfmt_misc matches too. */
export interface ElfHeader {
  machine: number;
  bytes: Buffer;
  littleEndian: boolean;
}

/** How many bytes of a program parseElfHeader looks at. */
export const ELF_HEADER_BYTES = 64;

/** The ELF header in a program's first bytes; undefined if it is not ELF. */
export function parseElfHeader(bytes: Buffer): ElfHeader | undefined {
  if (bytes.length < 20 || bytes.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const littleEndian = bytes[5] !== 2;
  return { machine: littleEndian ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18), bytes: bytes.subarray(0, ELF_HEADER_BYTES), littleEndian };
}

/** The ELF header of a program on the host (the program itself may not run here); undefined if it is not ELF. */
export async function readElfHeader(path: string): Promise<ElfHeader | undefined> {
  const file = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(ELF_HEADER_BYTES);
    const { bytesRead } = await file.read(bytes, 0, ELF_HEADER_BYTES, 0);
    return parseElfHeader(bytes.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/** Debian's and QEMU's names for an ELF machine (QEMU's guessed as the hex number if bake does not know it). */
export function machineNames(machine: number, littleEndian = true): Machine {
  const m = MACHINES[machine];
  if (!m) return { debian: `ELF machine 0x${machine.toString(16)}`, qemu: `0x${machine.toString(16)}` };
  return 'le' in m ? (littleEndian ? m.le : m.be) : m;
}

/** Whether a host of this Node architecture runs the machine's programs itself (undefined: bake cannot tell, so it assumes yes). */
export function runsNatively(machine: number, hostArch: string = process.arch): boolean {
  const native = NATIVE[hostArch];
  return !native || native.includes(machine);
}

/** The host's own architecture, in Debian's words. */
export function hostArchName(hostArch: string = process.arch): string {
  const native = NATIVE[hostArch];
  return native ? machineNames(native[0]!).debian : hostArch;
}

/**
 * Whether an ELF program names a program interpreter (PT_INTERP): it is dynamically linked and needs
 * the host's loader and libraries, so a copy of it cannot run inside an image of another architecture.
 */
export async function isDynamicallyLinked(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const h = Buffer.alloc(64);
    await file.read(h, 0, 64, 0);
    if (h.readUInt32BE(0) !== 0x7f454c46) return false;
    const is64 = h[4] === 2;
    const le = h[5] !== 2;
    const u16 = (b: Buffer, at: number) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
    const u32 = (b: Buffer, at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
    const phoff = is64 ? Number(le ? h.readBigUInt64LE(32) : h.readBigUInt64BE(32)) : u32(h, 28);
    const phentsize = u16(h, is64 ? 54 : 42);
    const phnum = u16(h, is64 ? 56 : 44);
    if (phentsize < 4 || phnum === 0) return false;
    const table = Buffer.alloc(phentsize * phnum);
    await file.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (u32(table, i * phentsize) === 3) return true;
    return false;
  } finally {
    await file.close();
  }
}
