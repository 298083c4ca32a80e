import { describe, expect, it } from 'vitest';
import { type LaunchPlan, qemuArgv } from '../../../src/builders/qemu/argv.js';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import type { QemuConfig } from '../../../src/builders/qemu/schema.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: '/tpl' };
const plan: LaunchPlan = {
  name: 'web.qcow2',
  accel: 'tcg',
  diskPath: '/out/web.qcow2',
  diskFormat: 'qcow2',
  seedIso: '/w/seed.iso',
  sshPort: 3022,
  qmpSocket: '/w/qmp.sock',
  serialLog: '/w/serial.log',
};
const argv = (c: QemuConfig, p: Partial<LaunchPlan> = {}) => qemuArgv(resolveQemuConfig(c, env), { ...plan, ...p });

describe('qemuArgv', () => {
  it('runs headless with QMP, a serial log, the disk, the seed CD and SSH forwarded on loopback', () => {
    expect(argv({ cpus: 1 })).toEqual([
      '-name', 'web.qcow2',
      '-machine', 'pc,accel=tcg',
      '-m', '1024M',
      '-smp', '1',
      '-display', 'none',
      '-serial', 'file:/w/serial.log',
      '-qmp', 'unix:/w/qmp.sock,server=on,wait=off',
      '-drive', 'file=/out/web.qcow2,format=qcow2,cache=writeback,discard=ignore,detect-zeroes=off,if=virtio',
      '-drive', 'file=/w/seed.iso,media=cdrom,readonly=on',
      '-netdev', 'user,id=user.0,hostfwd=tcp:127.0.0.1:3022-:22',
      '-device', 'virtio-net,netdev=user.0',
    ]);
  });

  it('gives sockets, cores and threads to -smp; their product is cpus\' default and ceiling, as in Packer', () => {
    expect(argv({ sockets: 1, cores: 2, threads: 2 }).join(' ')).toContain('-smp 4,sockets=1,cores=2,threads=2');
    expect(argv({ cpus: 8, cores: 2 }).join(' ')).toContain('-smp 2,cores=2');
    expect(argv({ cpus: 1, sockets: 2 }).join(' ')).toContain('-smp 1,sockets=2');
  });

  it('uses the host CPU under KVM unless cpu_model says otherwise', () => {
    expect(argv({}, { accel: 'kvm' }).join(' ')).toContain('-machine pc,accel=kvm -cpu host');
    expect(argv({ cpu_model: 'qemu64' }, { accel: 'kvm' }).join(' ')).toContain('-cpu qemu64');
  });

  it('lets qemuargs replace an option bake sets, keeping the rest', () => {
    const a = argv({ qemuargs: [['-m', '2048M'], ['-smp', '2,sockets=1']] });
    expect(a.filter((x) => x === '-m')).toHaveLength(1);
    expect(a.slice(-4)).toEqual(['-m', '2048M', '-smp', '2,sockets=1']);
    expect(a).toContain('-qmp');
  });

  it('attaches the disk through virtio-scsi and AHCI controllers', () => {
    expect(argv({ disk_interface: 'virtio-scsi' }).join(' ')).toContain(
      '-device virtio-scsi-pci,id=scsi0 -device scsi-hd,bus=scsi0.0,drive=drive0 -drive file=/out/web.qcow2,format=qcow2,cache=writeback,discard=ignore,detect-zeroes=off,if=none,id=drive0',
    );
    expect(argv({ disk_interface: 'sata' }).join(' ')).toContain('-device ahci,id=ahci0 -device ide-hd,bus=ahci0.0,drive=drive0');
  });

  it('leaves the seed CD out when there is none', () => {
    expect(argv({}, { seedIso: undefined }).join(' ')).not.toContain('cdrom');
  });

  it('boots an installer ISO once from CD before the other CD, on a blank disk', () => {
    const a = argv({ disk_image: false, iso_url: 'd.iso', iso_checksum: 'none', ssh_username: 'u' }, { installerIso: '/cache/d.iso', seedIso: '/w/cd.iso' }).join(' ');
    expect(a).toContain('-drive file=/out/web.qcow2,format=qcow2,cache=writeback,discard=ignore,detect-zeroes=off,if=virtio -drive file=/cache/d.iso,media=cdrom,readonly=on -boot once=d -drive file=/w/cd.iso,media=cdrom,readonly=on');
  });

  it('reads qemuargs as Packer does: value parts joined, template fields filled, a named option replacing all of bake\'s', () => {
    const a = argv(
      {
        http_content: { '/user-data': '' },
        qemuargs: [
          ['-netdev', 'user,id=user.0,', 'hostfwd=tcp::{{ .SSHHostPort }}-:22'],
          ['-smbios', 'type=1,serial=ds=nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/{{ .Name }}/'],
          ['-drive', 'file={{ .OutputDir }}/{{ .Name }},if=virtio,format=qcow2'],
          ['-boot', 'd'],
          ['-no-reboot'],
        ],
      },
      { installerIso: '/cache/d.iso', httpPort: 8123 },
    );
    expect(a.slice(a.indexOf('-qmp') + 2)).toEqual([
      '-device', 'virtio-net,netdev=user.0',
      '-netdev', 'user,id=user.0,hostfwd=tcp::3022-:22',
      '-smbios', 'type=1,serial=ds=nocloud-net;s=http://10.0.2.2:8123/web.qcow2/',
      '-drive', 'file=/out/web.qcow2,if=virtio,format=qcow2',
      '-boot', 'd',
      '-no-reboot',
    ]);
  });

  it('gives a -device list without the network card the card back, as Packer does', () => {
    const a = argv({ qemuargs: [['-device', 'virtio-rng-pci']] }).join(' ');
    expect(a).toContain('-device virtio-rng-pci -device virtio-net,netdev=user.0');
    expect(argv({ qemuargs: [['-device', 'virtio-net,netdev=user.0,mac=52:54:00:00:00:01']] }).filter((x) => x.startsWith('virtio-net'))).toEqual(['virtio-net,netdev=user.0,mac=52:54:00:00:00:01']);
  });
});
