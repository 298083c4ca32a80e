import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LaunchPlan, qemuArgv } from '../../../src/builders/qemu/argv.js';
import { inLongMode } from '../../../src/builders/qemu/kvm-probe.js';
import { QemuProcess } from '../../../src/builders/qemu/qemu-process.js';
import { QmpClient } from '../../../src/builders/qemu/qmp.js';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import type { QemuConfig } from '../../../src/builders/qemu/schema.js';
import { efiVarsStep } from '../../../src/builders/qemu/steps/efi-vars.js';
import { sleep } from '../../../src/core/wait.js';
import { makeBuildContext } from '../../helpers/context.js';
import { plugin } from '../../../src/builders/qemu/index.js';
import { validatorFor } from '../../../src/template/load/ajv.js';

const dir = mkdtempSync(join(tmpdir(), 'bake-efi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { file: 't.json', path: 'builders[0]', templateDir: dir };
const resolve = (c: QemuConfig) => resolveQemuConfig(c, env);
const CODE = '/usr/share/OVMF/OVMF_CODE.fd';
const VARS = '/usr/share/OVMF/OVMF_VARS.fd';

function dirs() {
  const outputDir = mkdtempSync(join(dir, 'out-'));
  const workDir = mkdtempSync(join(dir, 'work-'));
  return { outputDir, workDir, imagePath: join(outputDir, 'disk.qcow2') };
}

const plan = (p: Partial<LaunchPlan>): LaunchPlan => ({
  name: 'u', accel: 'tcg', diskPath: '/out/u.qcow2', diskFormat: 'qcow2', sshPort: 3022, qmpSocket: '/w/qmp.sock', serialLog: '/w/serial.log', ...p,
});

describe('UEFI boot (efi_*) and firmware', () => {
  it('resolves efi_boot to Debian\'s OVMF paths, and efi_firmware_* imply efi_boot as in Packer', () => {
    expect(resolve({ efi_boot: true }).efi).toEqual({ code: CODE, vars: VARS, dropVars: false });
    expect(resolve({ efi_firmware_code: '/fw/CODE_4M.fd', efi_firmware_vars: 'VARS_4M.fd', efi_drop_efivars: true }).efi).toEqual({
      code: '/fw/CODE_4M.fd', vars: join(process.cwd(), 'VARS_4M.fd'), dropVars: true,
    });
    expect(resolve({ efi_boot: false, use_pflash: true }).efi).toBeUndefined();
    expect(() => resolve({ efi_boot: true, firmware: '/fw/bios.bin' })).toThrow(
      't.json: builders[0].firmware: cannot be used with efi_boot; give the UEFI firmware as efi_firmware_code and efi_firmware_vars',
    );
  });

  it('attaches the code read-only and the build\'s copy of the variables as pflash; firmware as -bios or pflash; vga', () => {
    expect(qemuArgv(resolve({ efi_boot: true, machine_type: 'q35' }), plan({ efiVars: '/out/efivars.fd' })).join(' ')).toContain(
      `-machine q35,accel=tcg -m 1024M -smp ${resolve({}).cpus} -display none -drive file=${CODE},if=pflash,unit=0,format=raw,readonly=on -drive file=/out/efivars.fd,if=pflash,unit=1,format=raw -serial`,
    );
    expect(qemuArgv(resolve({ firmware: '/fw/bios.bin' }), plan({})).join(' ')).toContain('-bios /fw/bios.bin');
    expect(qemuArgv(resolve({ firmware: '/fw/bios.bin', use_pflash: true }), plan({})).join(' ')).toContain('-drive file=/fw/bios.bin,if=pflash,format=raw,readonly=on');
    expect(qemuArgv(resolve({ vga: 'virtio' }), plan({})).join(' ')).toContain('-display none -vga virtio');
    expect(qemuArgv(resolve({}), plan({})).join(' ')).not.toMatch(/pflash|-bios|-vga/);
  });

  it('copies the variables into output_directory as efivars.fd (the artifact keeps it) or, with efi_drop_efivars, the work directory', async () => {
    const ctx = makeBuildContext();
    const kept = dirs();
    const out = await efiVarsStep(resolve({ efi_boot: true })).run(ctx, kept);
    expect(out).toEqual({ efiVars: join(kept.outputDir, 'efivars.fd'), keepEfiVars: true });
    expect(readFileSync(out.efiVars!).equals(readFileSync(VARS))).toBe(true);
    const dropped = dirs();
    expect(await efiVarsStep(resolve({ efi_boot: true, efi_drop_efivars: true })).run(ctx, dropped)).toEqual({ efiVars: join(dropped.workDir, 'efivars.fd'), keepEfiVars: false });
    expect(existsSync(join(dropped.outputDir, 'efivars.fd'))).toBe(false);
    expect(await efiVarsStep(resolve({})).run(ctx, dirs())).toEqual({});
  });

  it('says which firmware file is missing, and refuses a device or directory as firmware', async () => {
    const ctx = makeBuildContext();
    await expect(efiVarsStep(resolve({ efi_firmware_code: '/usr/local/share/qemu/edk2-x86_64-code.fd' })).run(ctx, dirs())).rejects.toThrow(
      'qemu: efi_firmware_code /usr/local/share/qemu/edk2-x86_64-code.fd does not exist: install Debian\'s ovmf package (scripts/setup-host.sh does) or give the path of this host\'s UEFI firmware',
    );
    await expect(efiVarsStep(resolve({ efi_firmware_vars: '/dev/zero' })).run(ctx, dirs())).rejects.toThrow('qemu: efi_firmware_vars /dev/zero is not a regular file');
  });

  it('starts QEMU under OVMF: the firmware runs 64-bit code with its variables on a writable pflash copy', async () => {
    const d = dirs();
    const c = resolve({ efi_boot: true, cpus: 1, memory: 256 });
    const { efiVars } = await efiVarsStep(c).run(makeBuildContext(), d);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', d.imagePath, '16M']);
    const qmpSocket = join(d.workDir, 'qmp.sock');
    const argv = qemuArgv(c, plan({ diskPath: d.imagePath, qmpSocket, serialLog: join(d.workDir, 'serial.log'), efiVars: efiVars! }));
    const qemu = await QemuProcess.start('qemu-system-x86_64', argv);
    try {
      const qmp = await QmpClient.connect(qmpSocket, new AbortController().signal);
      expect(await qmp.status()).toBe('running');
      const blocks = await qmp.execute<{ device: string; inserted?: { file: string; ro: boolean } }[]>('query-block');
      const pflash = blocks.filter((b) => b.device.startsWith('pflash')).map((b) => [b.inserted?.file, b.inserted?.ro]);
      expect(pflash).toEqual([[CODE, true], [efiVars, false]]);
      // SeaBIOS never leaves 32-bit mode; OVMF's first phase switches to long mode within a second.
      let registers = '';
      for (let i = 0; i < 200 && !inLongMode(registers); i++) {
        registers = await qmp.execute<string>('human-monitor-command', { 'command-line': 'info registers' });
        if (!inLongMode(registers)) await sleep(100);
      }
      expect(inLongMode(registers)).toBe(true);
      await qmp.execute('quit').catch(() => {});
      qmp.close();
      await qemu.exited;
    } finally {
      await qemu.kill();
    }
    expect(statSync(VARS).size).toBe(statSync(efiVars!).size);
  }, 60_000);
});

describe('BIOS stays the default', () => {
  it('a template without efi options boots BIOS after the schema filled in its defaults (as every template is read)', () => {
    const config: Record<string, unknown> = { ssh_username: 'debian' };
    expect(validatorFor(plugin.schema)(config)).toBe(true);
    expect(config.efi_firmware_code).toBeUndefined();
    expect(resolve(config as QemuConfig).efi).toBeUndefined();
  });
});
