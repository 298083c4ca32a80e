import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { qemuArgv } from '../../../src/builders/qemu/argv.js';
import { QemuProcess } from '../../../src/builders/qemu/qemu-process.js';
import { QmpClient } from '../../../src/builders/qemu/qmp.js';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import type { QemuConfig } from '../../../src/builders/qemu/schema.js';
import { floppyStep } from '../../../src/builders/qemu/steps/floppy.js';
import { makeBuildContext } from '../../helpers/context.js';

const dir = mkdtempSync(join(tmpdir(), 'bake-floppy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { file: 't.json', path: 'builders[0]', templateDir: dir };

async function gather(config: QemuConfig): Promise<string | undefined> {
  const work = mkdtempSync(join(dir, 'work-'));
  const out = await floppyStep(resolveQemuConfig(config, env)).run(makeBuildContext(), { workDir: work, outputDir: dir, imagePath: join(dir, 'x') });
  return out.floppyDir;
}

describe('floppy', () => {
  it('gathers floppy_files, floppy_dirs and floppy_content, and QEMU attaches them as a FAT floppy', async () => {
    writeFileSync(join(dir, 'Autounattend.xml'), '<unattend/>');
    mkdirSync(join(dir, 'drivers', 'net'), { recursive: true });
    writeFileSync(join(dir, 'drivers', 'net', 'e1000.inf'), 'inf');
    const floppy = await gather({ floppy_files: [join(dir, 'Autounattend.xml')], floppy_dirs: [join(dir, 'drivers')], floppy_content: { 'setup.cmd': 'echo hi' } });
    expect(readFileSync(join(floppy!, 'Autounattend.xml'), 'utf8')).toBe('<unattend/>');
    expect(readFileSync(join(floppy!, 'drivers', 'net', 'e1000.inf'), 'utf8')).toBe('inf');
    expect(readFileSync(join(floppy!, 'setup.cmd'), 'utf8')).toBe('echo hi');
    const c = resolveQemuConfig({ cpus: 1, memory: 64 }, env);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'disk.qcow2'), '16M']);
    const plan = { name: 'f', accel: 'tcg', diskPath: join(dir, 'disk.qcow2'), diskFormat: 'qcow2' as const, sshPort: 3022, qmpSocket: join(dir, 'qmp.sock'), serialLog: join(dir, 'serial.log'), floppyDir: floppy! };
    const argv = qemuArgv(c, plan);
    const fat = `-drive file=fat:floppy:${floppy},if=floppy,format=raw,readonly=on`;
    expect(argv.join(' ')).toContain(fat);
    // As Packer's -fda: replaced by a -fda in qemuargs, kept beside a -drive there.
    expect(qemuArgv(resolveQemuConfig({ qemuargs: [['-fda', 'my.img']] }, env), plan).join(' ')).not.toContain('fat:floppy');
    expect(qemuArgv(resolveQemuConfig({ qemuargs: [['-drive', 'file=/d,if=virtio']] }, env), plan).join(' ')).toContain(fat);
    // QEMU itself, paused before the first instruction: the floppy is attached without mkfs or mtools.
    const qemu = await QemuProcess.start('qemu-system-x86_64', [...argv, '-S']);
    try {
      const qmp = await QmpClient.connect(join(dir, 'qmp.sock'), new AbortController().signal);
      const blocks = await qmp.execute<{ device: string; inserted?: { file: string; ro: boolean } }[]>('query-block');
      const inserted = blocks.find((b) => b.device === 'floppy0')?.inserted;
      expect(inserted?.file).toContain('"driver": "vvfat"');
      expect(inserted?.ro).toBe(true);
      qmp.close();
    } finally {
      await qemu.kill();
    }
  }, 60_000);

  it('refuses more than a floppy holds, and attaches nothing without floppy options', async () => {
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(3_000_000));
    await expect(gather({ floppy_files: [join(dir, 'big.bin')] })).rejects.toThrow(
      'qemu: floppy_files/floppy_dirs/floppy_content take 3000000 bytes, more than a floppy holds (2800000): put the larger files in cd_files',
    );
    expect(await gather({})).toBeUndefined();
  });
});
