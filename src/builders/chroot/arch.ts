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

/** The ELF header of a binary of the image (the binary itself may not run here); undefined if it is not ELF. */
export async function readElfHeader(path: string): Promise<ElfHeader | undefined> {
  const file = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(64);
    const { bytesRead } = await file.read(bytes, 0, 64, 0);
    if (bytesRead < 20 || bytes.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const littleEndian = bytes[5] !== 2;
    return { machine: littleEndian ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18), bytes: bytes.subarray(0, bytesRead), littleEndian };
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
