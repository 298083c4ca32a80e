import { dirname } from 'node:path';
import { render } from '../../template/index.js';
import type { ResolvedQemu } from './resolve.js';

/** What the launch step decided at run time. */
export interface LaunchPlan {
  /** The VM's name for QEMU (the image's file name). */
  name: string;
  accel: string;
  diskPath: string;
  diskFormat: 'qcow2' | 'raw';
  seedIso?: string;
  /** disk_image false: the installer ISO, booted once. */
  installerIso?: string;
  /** efi_boot: this build's copy of the firmware's variable store. */
  efiVars?: string;
  /** Presented to the guest as a FAT floppy (A:). */
  floppyDir?: string;
  /** The HTTP server's port, when one runs ({{ .HTTPPort }} in qemuargs). */
  httpPort?: number;
  sshPort: number;
  qmpSocket: string;
  serialLog: string;
}

function diskArgs(c: ResolvedQemu, plan: LaunchPlan): string[][] {
  const opts = `file=${plan.diskPath},format=${plan.diskFormat},cache=${c.diskCache},discard=${c.diskDiscard},detect-zeroes=${c.detectZeroes}`;
  switch (c.diskInterface) {
    case 'virtio-scsi':
      return [['-device', 'virtio-scsi-pci,id=scsi0'], ['-device', 'scsi-hd,bus=scsi0.0,drive=drive0'], ['-drive', `${opts},if=none,id=drive0`]];
    case 'sata':
      return [['-device', 'ahci,id=ahci0'], ['-device', 'ide-hd,bus=ahci0.0,drive=drive0'], ['-drive', `${opts},if=none,id=drive0`]];
    default:
      return [['-drive', `${opts},if=${c.diskInterface}`]];
  }
}

/**
 * The template's qemuargs as Packer reads them: each row is an option and its value, the value's
 * parts joined without a separator ([["-netdev", "user,id=user.0,", "hostfwd=…"]]), and
 * {{ .HTTPIP }}, {{ .HTTPPort }}, {{ .HTTPDir }}, {{ .OutputDir }}, {{ .Name }}, {{ .SSHHostPort }} filled in.
 */
function templateArgs(c: ResolvedQemu, plan: LaunchPlan): string[][] {
  const data = {
    HTTPIP: plan.httpPort === undefined ? '' : '10.0.2.2',
    HTTPPort: plan.httpPort ?? 0,
    HTTPDir: c.http?.directory ?? '',
    OutputDir: dirname(plan.diskPath),
    Name: plan.name,
    SSHHostPort: plan.sshPort,
  };
  return c.qemuArgs.map((row, i) => {
    const [option, ...parts] = row.map((part, j) => render(part, { data, where: `${c.env.file}: ${c.env.path}.qemuargs[${i}][${j}]` }));
    const value = parts.join('');
    return value ? [option!, value] : [option!];
  });
}

/**
 * The firmware, as Packer gives it: UEFI as two pflash drives (the code read-only, the build's own
 * copy of the variables writable), or `firmware` as -bios or a read-only pflash drive. Being
 * -drive options, a -drive in qemuargs replaces them as it replaces the disk.
 */
function firmwareArgs(c: ResolvedQemu, plan: LaunchPlan): string[][] {
  if (c.efi) {
    if (!plan.efiVars) throw new Error('qemu: efi_boot without a copy of the variable store');
    return [
      ['-drive', `file=${c.efi.code},if=pflash,unit=0,format=raw,readonly=on`],
      ['-drive', `file=${plan.efiVars},if=pflash,unit=1,format=raw`],
    ];
  }
  if (!c.firmware) return [];
  return [c.firmware.pflash ? ['-drive', `file=${c.firmware.path},if=pflash,format=raw,readonly=on`] : ['-bios', c.firmware.path]];
}

/**
 * QEMU's arguments, grouped by option. As in Packer, an option the template's qemuargs gives
 * replaces all of bake's entries for that option (["-boot", "d"] the boot order, a "-drive" bake's
 * disk and CDs); options bake does not set are added, in the template's order. A "-device" list
 * without the network card gets it back, as Packer adds it.
 */
export function qemuArgv(c: ResolvedQemu, plan: LaunchPlan): string[] {
  const cpu = c.cpuModel ?? (plan.accel === 'kvm' ? 'host' : undefined);
  const cdrom = (path: string) => ['-drive', `file=${path},media=cdrom,readonly=on`];
  // QEMU's vvfat: a read-only FAT floppy made from a directory, so no mkfs or mtools are needed.
  // It is Packer's -fda: qemuargs naming -fda replace it, a -drive there does not.
  const floppy = plan.floppyDir ? ['-drive', `file=fat:floppy:${plan.floppyDir},if=floppy,format=raw,readonly=on`] : undefined;
  const own: string[][] = [
    ['-name', plan.name],
    ['-machine', `${c.machineType},accel=${plan.accel}`],
    ...(cpu ? [['-cpu', cpu]] : []),
    ['-m', `${c.memoryMiB}M`],
    ['-smp', [String(c.cpus), ...Object.entries(c.topology ?? {}).map(([k, n]) => `${k}=${n}`)].join(',')],
    ['-display', 'none'],
    ...(c.vga ? [['-vga', c.vga]] : []),
    ...firmwareArgs(c, plan),
    ['-serial', `file:${plan.serialLog}`],
    ['-qmp', `unix:${plan.qmpSocket},server=on,wait=off`],
    ...diskArgs(c, plan),
    ...(plan.installerIso ? [cdrom(plan.installerIso), ['-boot', 'once=d']] : []),
    ...(plan.seedIso ? [cdrom(plan.seedIso)] : []),
    ...(floppy ? [floppy] : []),
    ['-netdev', `user,id=user.0,hostfwd=tcp:127.0.0.1:${plan.sshPort}-:22`],
    ['-device', `${c.netDevice},netdev=user.0`],
  ];
  const given = templateArgs(c, plan);
  const replaced = new Set(given.map((a) => a[0]));
  const option = (a: string[]) => (a === floppy ? '-fda' : a[0]);
  const devices = given.filter((a) => a[0] === '-device').map((a) => a[1] ?? '');
  const netBack = devices.length > 0 && !devices.some((d) => d.includes(c.netDevice)) ? [['-device', `${c.netDevice},netdev=user.0`]] : [];
  return [...own.filter((a) => !replaced.has(option(a))), ...given, ...netBack].flat();
}
