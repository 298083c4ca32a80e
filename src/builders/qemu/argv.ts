import type { ResolvedQemu } from './resolve.js';

/** What the launch step decided at run time. */
export interface LaunchPlan {
  /** The VM's name for QEMU (the image's file name). */
  name: string;
  accel: string;
  diskPath: string;
  diskFormat: 'qcow2' | 'raw';
  seedIso?: string;
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
 * QEMU's arguments, grouped by option. As in Packer, an option the template's qemuargs gives
 * replaces all of bake's entries for that option; the rest is appended in the template's order.
 */
export function qemuArgv(c: ResolvedQemu, plan: LaunchPlan): string[] {
  const cpu = c.cpuModel ?? (plan.accel === 'kvm' ? 'host' : undefined);
  const own: string[][] = [
    ['-name', plan.name],
    ['-machine', `${c.machineType},accel=${plan.accel}`],
    ...(cpu ? [['-cpu', cpu]] : []),
    ['-m', `${c.memoryMiB}M`],
    ['-smp', String(c.cpus)],
    ['-display', 'none'],
    ['-serial', `file:${plan.serialLog}`],
    ['-qmp', `unix:${plan.qmpSocket},server=on,wait=off`],
    ...diskArgs(c, plan),
    ...(plan.seedIso ? [['-drive', `file=${plan.seedIso},media=cdrom,readonly=on`]] : []),
    ['-netdev', `user,id=user.0,hostfwd=tcp:127.0.0.1:${plan.sshPort}-:22`],
    ['-device', `${c.netDevice},netdev=user.0`],
  ];
  const replaced = new Set(c.qemuArgs.map((a) => a[0]));
  return [...own.filter((a) => !replaced.has(a[0])), ...c.qemuArgs].flat();
}
