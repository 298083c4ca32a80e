import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ElfHeader, isDynamicallyLinked, readElfHeader } from '../../../src/builders/chroot/arch.js';
import { handlerMatches, parseBinfmtHandler, readBinfmt } from '../../../src/builders/chroot/binfmt.js';
import { planEmulation } from '../../../src/builders/chroot/emulation.js';

const tmp = mkdtempSync(join(tmpdir(), 'bake-emulation-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The first 20 bytes of an ELF program: class, byte order, type (2 EXEC, 3 DYN) and machine. */
function elf(machine: number, { type = 3, bigEndian = false } = {}): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2;
  b[5] = bigEndian ? 2 : 1;
  b[6] = 1;
  if (bigEndian) {
    b.writeUInt16BE(type, 16);
    b.writeUInt16BE(machine, 18);
  } else {
    b.writeUInt16LE(type, 16);
    b.writeUInt16LE(machine, 18);
  }
  return b;
}

/** A little-endian ELF64 program with these program header types (3 is PT_INTERP: dynamically linked). */
function elfWithSegments(types: number[]): Buffer {
  const b = Buffer.concat([elf(0x3e), Buffer.alloc(56 * types.length)]);
  b.writeBigUInt64LE(64n, 32);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(types.length, 56);
  types.forEach((t, i) => b.writeUInt32LE(t, 64 + i * 56));
  return b;
}

let files = 0;
async function header(bytes: Buffer): Promise<ElfHeader> {
  const path = join(tmp, `bin${files++}`);
  writeFileSync(path, bytes);
  return (await readElfHeader(path))!;
}

/** What Debian 12's qemu-user-static registers for aarch64 (as /proc/sys/fs/binfmt_misc/qemu-aarch64 shows it). */
const DEBIAN_AARCH64 = [
  'enabled',
  'interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P',
  'flags: POF',
  'offset 0',
  'magic 7f454c460201010000000000000000000200b700',
  'mask ffffffffffffff00fffffffffffffffffeffffff',
  '',
].join('\n');
/** An older registration (binfmt-support without fix_binary): the kernel looks for the interpreter inside the chroot. */
const NO_FIX = DEBIAN_AARCH64.replace('/usr/libexec/qemu-binfmt/aarch64-binfmt-P', '/usr/bin/qemu-aarch64-static').replace('flags: POF', 'flags: OC');
const JAR = 'enabled\ninterpreter /usr/bin/jexec\nflags: \nextension .jar\n';

/** A fixture of /proc/sys/fs/binfmt_misc. */
function binfmtDir(handlers: Record<string, string>, status: string | null = 'enabled'): string {
  const dir = join(tmp, `binfmt${files++}`);
  mkdirSync(dir);
  if (status !== null) {
    writeFileSync(join(dir, 'status'), `${status}\n`);
    writeFileSync(join(dir, 'register'), '');
  }
  for (const [name, text] of Object.entries(handlers)) writeFileSync(join(dir, name), text);
  return dir;
}

const filesystems = (withBinfmt: boolean) => {
  const path = join(tmp, `filesystems${files++}`);
  writeFileSync(path, `nodev\tsysfs\nnodev\tproc\n${withBinfmt ? 'nodev\tbinfmt_misc\n' : ''}\text4\n`);
  return path;
};
const emulator = join(tmp, 'qemu-aarch64-static');
writeFileSync(emulator, elf(0x3e));
const prefix = 'chroot: the image is arm64 and this host is x86-64: its programs run here only through qemu-user-static and binfmt_misc; ';
const register = "register qemu-user-static's handler: `update-binfmts --enable qemu-aarch64` (binfmt-support) or `/usr/lib/systemd/systemd-binfmt /usr/lib/binfmt.d/qemu-aarch64.conf` (systemd)";

describe('architecture of the image', () => {
  it('reads the machine and byte order from the ELF header of one of its programs', async () => {
    expect(await header(elf(0xb7))).toMatchObject({ machine: 0xb7, littleEndian: true });
    expect(await header(elf(0x3e))).toMatchObject({ machine: 0x3e, littleEndian: true });
    expect(await header(elf(0x15, { bigEndian: true }))).toMatchObject({ machine: 0x15, littleEndian: false });
    const script = join(tmp, 'script');
    writeFileSync(script, '#!/bin/sh\necho not ELF\n');
    expect(await readElfHeader(script)).toBeUndefined();
  });

  it('tells a static program (which runs inside any image) from a dynamically linked one (PT_INTERP)', async () => {
    const at = (name: string, bytes: Buffer) => {
      writeFileSync(join(tmp, name), bytes);
      return join(tmp, name);
    };
    expect(await isDynamicallyLinked(at('static', elfWithSegments([1, 1, 4, 0x6474e551])))).toBe(false);
    expect(await isDynamicallyLinked(at('dynamic', elfWithSegments([6, 3, 1, 1, 2])))).toBe(true);
    expect(await isDynamicallyLinked(at('no-segments', elf(0x3e)))).toBe(false);
  });
});

describe('binfmt_misc handlers', () => {
  it('parses a magic handler and an extension handler', () => {
    expect(parseBinfmtHandler('qemu-aarch64', DEBIAN_AARCH64)).toEqual({
      name: 'qemu-aarch64',
      enabled: true,
      interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
      flags: 'POF',
      offset: 0,
      magic: Buffer.from('7f454c460201010000000000000000000200b700', 'hex'),
      mask: Buffer.from('ffffffffffffff00fffffffffffffffffeffffff', 'hex'),
    });
    expect(parseBinfmtHandler('jar', JAR)).toMatchObject({ enabled: true, interpreter: '/usr/bin/jexec', flags: '', magic: undefined });
    expect(parseBinfmtHandler('qemu-arm', 'disabled\ninterpreter /usr/bin/qemu-arm-static\nflags: F\noffset 0\nmagic 7f45\nmask ffff\n').enabled).toBe(false);
  });

  it('matches arm64 executables and shared objects through the mask, and nothing else', async () => {
    const h = parseBinfmtHandler('qemu-aarch64', DEBIAN_AARCH64);
    expect(handlerMatches(h, elf(0xb7, { type: 2 }))).toBe(true);
    expect(handlerMatches(h, elf(0xb7, { type: 3 }))).toBe(true);
    expect(handlerMatches(h, elf(0x3e))).toBe(false);
    expect(handlerMatches(h, elf(0xb7, { bigEndian: true }))).toBe(false);
    expect(handlerMatches(parseBinfmtHandler('jar', JAR), elf(0xb7))).toBe(false);
  });

  it('reads a binfmt_misc directory: mounted or not, switched on or off, its handlers', async () => {
    expect(await readBinfmt(join(tmp, 'nowhere'))).toEqual({ mounted: false });
    expect(await readBinfmt(binfmtDir({}, null))).toEqual({ mounted: false });
    const state = await readBinfmt(binfmtDir({ 'qemu-aarch64': DEBIAN_AARCH64, jar: JAR }, 'disabled'));
    expect(state).toMatchObject({ mounted: true, enabled: false });
    expect(state.mounted && state.handlers.map((h) => h.name)).toEqual(['jar', 'qemu-aarch64']);
  });
});

describe('how the image\'s programs run', () => {
  const x64 = { hostArch: 'x64' };

  it('natively when the host runs the architecture (binfmt_misc is not even looked at)', async () => {
    expect(await planEmulation(await header(elf(0x3e)), { ...x64, binfmtDir: join(tmp, 'nowhere') })).toEqual({ native: true });
    expect(await planEmulation(await header(elf(0x03)), { ...x64, binfmtDir: join(tmp, 'nowhere') })).toEqual({ native: true });
    expect(await planEmulation(await header(elf(0xb7)), { hostArch: 'arm64', binfmtDir: join(tmp, 'nowhere') })).toEqual({ native: true });
    expect(await planEmulation(undefined, { ...x64, binfmtDir: join(tmp, 'nowhere') })).toEqual({ native: true });
  });

  it('through a handler with the F flag, copying nothing into the image', async () => {
    const plan = await planEmulation(await header(elf(0xb7)), { ...x64, binfmtDir: binfmtDir({ jar: JAR, 'qemu-aarch64': DEBIAN_AARCH64 }) });
    expect(plan).toMatchObject({ native: false, arch: 'arm64', handler: { name: 'qemu-aarch64', flags: 'POF' } });
    expect(plan.native === false && plan.copy).toBeUndefined();
  });

  it('with F, still copies the emulator where qemu_binary_destination_path asks (as the community arm builder)', async () => {
    const plan = await planEmulation(await header(elf(0xb7)), { ...x64, binfmtDir: binfmtDir({ 'qemu-aarch64': DEBIAN_AARCH64 }), source: emulator, destination: '/usr/bin/qemu-aarch64-static' });
    expect(plan).toMatchObject({ native: false, copy: { source: emulator, destination: '/usr/bin/qemu-aarch64-static' } });
  });

  it('without F, copies the emulator to the interpreter path the handler names', async () => {
    const dir = binfmtDir({ 'qemu-aarch64': NO_FIX });
    expect(await planEmulation(await header(elf(0xb7)), { ...x64, binfmtDir: dir, source: emulator })).toMatchObject({
      native: false,
      copy: { source: emulator, destination: '/usr/bin/qemu-aarch64-static' },
    });
    await expect(planEmulation(await header(elf(0xb7)), { ...x64, binfmtDir: dir, source: emulator, destination: '/usr/local/bin/qemu' })).rejects.toThrow(
      `${prefix}its binfmt_misc handler qemu-aarch64 has no F flag, so the kernel runs /usr/bin/qemu-aarch64-static from inside the image, not /usr/local/bin/qemu: set qemu_binary_destination_path to /usr/bin/qemu-aarch64-static, or leave it out`,
    );
    const at = (key: string) => `t.json: builders[0].${key}`;
    await expect(planEmulation(await header(elf(0xb7)), { ...x64, binfmtDir: dir, source: emulator, destination: '/usr/local/bin/qemu', at })).rejects.toThrow(
      `t.json: builders[0].qemu_binary_destination_path: ${prefix}its binfmt_misc handler`,
    );
    await expect(planEmulation(await header(elf(0xb7)), { ...x64, binfmtDir: dir, source: join(tmp, 'missing-qemu'), at })).rejects.toThrow(
      `t.json: builders[0].qemu_binary_source_path: ${prefix}the emulator ${join(tmp, 'missing-qemu')} to copy`,
    );
    const dynamic = join(tmp, 'qemu-aarch64-dynamic');
    writeFileSync(dynamic, elfWithSegments([6, 3, 1]));
    await expect(planEmulation(await header(elf(0xb7)), { ...x64, binfmtDir: dir, source: dynamic })).rejects.toThrow(
      `${prefix}the emulator ${dynamic} is dynamically linked, so a copy of it cannot run inside the image: set qemu_binary_source_path to a static one (qemu-user-static's /usr/bin/qemu-aarch64-static)`,
    );
    await expect(planEmulation(await header(elf(0xb7)), { ...x64, binfmtDir: dir, source: join(tmp, 'missing-qemu') })).rejects.toThrow(
      `${prefix}the emulator ${join(tmp, 'missing-qemu')} to copy into the image is not on this host: install qemu-user-static or set qemu_binary_source_path`,
    );
  });

  it.each([
    ['binfmt_misc is not mounted', () => ({ binfmtDir: binfmtDir({}, null), procFilesystems: filesystems(true) }), (o: { binfmtDir: string }) => `${prefix}binfmt_misc is not mounted: run \`mount -t binfmt_misc binfmt_misc ${o.binfmtDir}\`, then ${register}`],
    [
      'the kernel has no binfmt_misc',
      () => ({ binfmtDir: join(tmp, 'no-such-dir'), procFilesystems: filesystems(false) }),
      (o: { binfmtDir: string }) => `${prefix}this kernel offers no binfmt_misc at ${o.binfmtDir} (load it with \`modprobe binfmt_misc\`; in a container, run it privileged), or bake this image on a host of that architecture or with the qemu builder`,
    ],
    ['binfmt_misc is switched off', () => ({ binfmtDir: binfmtDir({ 'qemu-aarch64': DEBIAN_AARCH64 }, 'disabled') }), (o: { binfmtDir: string }) => `${prefix}binfmt_misc is switched off on this host: run \`echo 1 > ${o.binfmtDir}/status\``],
    [
      'the handler is disabled',
      () => ({ binfmtDir: binfmtDir({ 'qemu-aarch64': DEBIAN_AARCH64.replace('enabled', 'disabled') }) }),
      (o: { binfmtDir: string }) => `${prefix}its binfmt_misc handler qemu-aarch64 is disabled: run \`echo 1 > ${o.binfmtDir}/qemu-aarch64\``,
    ],
    [
      'qemu-user-static is not installed',
      () => ({ binfmtDir: binfmtDir({ jar: JAR }), source: join(tmp, 'missing-qemu') }),
      () => `${prefix}install qemu-user-static (no ${join(tmp, 'missing-qemu')} here; Debian/Ubuntu: \`apt-get install qemu-user-static\`) and ${register}`,
    ],
    ['no handler is registered', () => ({ binfmtDir: binfmtDir({ jar: JAR }), source: emulator }), () => `${prefix}no binfmt_misc handler is registered for it: ${register}`],
  ])('one clear line when %s', async (_, options, message) => {
    const o = options();
    await expect(planEmulation(await header(elf(0xb7)), { ...x64, ...o })).rejects.toThrow(message(o));
  });
});
