import { open } from 'node:fs/promises';
import { BakeError } from '../../core/errors.js';

/** ELF e_machine values bake names. */
const MACHINES: Record<number, string> = { 0x03: 'i386', 0x28: 'armhf', 0x3e: 'x86-64', 0xb7: 'arm64', 0xf3: 'riscv64', 0x15: 'ppc64', 0x16: 's390x' };
/** What each Node host architecture runs natively. */
const NATIVE: Record<string, number[]> = { x64: [0x3e, 0x03], arm64: [0xb7, 0x28], ia32: [0x03] };

/** The ELF machine of a binary of the image, read from its header (the binary itself may not run here). */
export async function elfMachine(path: string): Promise<number | undefined> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(20);
    await file.read(header, 0, 20, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
    return header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
  } finally {
    await file.close();
  }
}

/** Refuses an image whose programs this host cannot run (another architecture), saying what it is. */
export function checkArchitecture(machine: number | undefined): void {
  const native = NATIVE[process.arch];
  if (machine === undefined || !native || native.includes(machine)) return;
  const image = MACHINES[machine] ?? `ELF machine 0x${machine.toString(16)}`;
  throw new BakeError(
    `chroot: the image is ${image} and this host is ${MACHINES[native[0]!]}: running its programs would need qemu-user-static and binfmt_misc, which the chroot builder does not support yet; bake this image with the qemu builder`,
  );
}
