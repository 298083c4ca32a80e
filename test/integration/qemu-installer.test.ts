import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';
import { bootIso, rootFsUuid } from './boot-iso.js';
import { baseImage, isolatedCache, qemuProcessesFor, readGuestFile, workDirs } from './qemu-harness.js';

// One real boot under TCG (KVM when it works): a boot loader waiting at its prompt, a typed kernel
// command line, a seed fetched over HTTP. A minute or two on an idle machine.
const BOOT_MS = 15 * 60_000;

let dir: string;
let iso: string;
let image: string;
let cache: ReturnType<typeof isolatedCache>;
beforeAll(async () => {
  image = await baseImage();
  iso = bootIso(image);
  dir = mkdtempSync(join(tmpdir(), 'bake-it-installer-'));
  cache = isolatedCache(dir, image);
}, 40 * 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, () => resolve(true));
    req.on('error', () => resolve(false));
    req.end();
  });
}

describe('qemu builder: an install from an ISO, typed at its boot loader, seeded over HTTP', () => {
  it('boots the ISO once on a blank disk, types the kernel command line through QMP, the guest fetches its seed from http_directory and the provisioners install onto the disk (bento-style template, -only)', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'installer-test', '-f', join(dir, 'key')]);
    const http = join(dir, 'http');
    mkdirSync(http);
    // Only this seed creates the user the build logs in as: there is no seed CD.
    writeFileSync(
      join(http, 'user-data'),
      [
        '#cloud-config',
        'users:',
        '  - name: baker',
        '    sudo: "ALL=(ALL) NOPASSWD:ALL"',
        '    shell: /bin/bash',
        `    ssh_authorized_keys: [${JSON.stringify(readFileSync(join(dir, 'key.pub'), 'utf8').trim())}]`,
        'bootcmd:',
        '  - [sh, -c, "cat /proc/cmdline > /etc/seeded-over-http"]',
        '',
      ].join('\n'),
    );
    writeFileSync(join(http, 'meta-data'), 'instance-id: bake-installer-test\nlocal-hostname: installed\n');
    // The "installer" system: bake's base image behind an overlay, attached through qemuargs as a second
    // virtio disk (-blockdev is an option bake does not set, so it is added; a -device list gets the
    // network card back). Its root is found by UUID, the blank disk by its size: QEMU does not promise their order.
    const installer = join(dir, 'installer.qcow2');
    const uuid = rootFsUuid(image);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image, '-F', 'qcow2', installer]);
    const isoSha256 = execFileSync('sha256sum', [iso], { encoding: 'utf8' }).split(' ')[0];
    const out = join(dir, 'out');
    const template = join(dir, 'multi.json');
    writeFileSync(
      template,
      JSON.stringify({
        variables: { sudo_password: 'pw-3f9a1c' },
        'sensitive-variables': ['sudo_password'],
        builders: [
          { type: 'virtualbox-iso', guest_os_type: 'Debian_64', iso_url: 'debian.iso', boot_command: ['<esc>'] },
          {
            type: 'qemu',
            name: 'installer',
            output_directory: out,
            vm_name: 'image.qcow2',
            disk_image: false,
            iso_url: iso,
            iso_checksum: `sha256:${isoSha256}`,
            disk_size: '64M',
            http_directory: http,
            qemuargs: [['-blockdev', 'driver=qcow2,node-name=installer,file.driver=file,', `file.filename=${installer}`], ['-device', 'virtio-blk-pci,drive=installer']],
            // The boot loader waits at its prompt, so Packer's 10 s boot_wait is safe even on a slow host.
            boot_key_interval: '20ms',
            boot_command: [`<wait>bakx<bs>e root=UUID=${uuid} `, 'ds=nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ hostname={{ .Name }}<enter>'],
            ssh_username: 'baker',
            ssh_private_key_file: join(dir, 'key'),
            ssh_timeout: '12m',
            // Rendered when it runs: {{user}} (sensitive, so masked in the log) and {{ .Vars }}, bento-style.
            shutdown_command:
              "echo '{{user `sudo_password`}}' | {{ .Vars }} sudo -S -E sh -c 'echo \"$PACKER_BUILD_NAME/$PACKER_BUILDER_TYPE\" > /etc/shut-down-by && shutdown -P now'",
            shutdown_timeout: '3m',
          },
        ],
        provisioners: [
          {
            type: 'shell',
            inline: [
              'disk=$(lsblk -dnpo NAME,SIZE | awk \'$2 == "64M" { print $1 }\')',
              'sudo mkfs.ext4 -q -L installed "$disk"',
              'sudo mount "$disk" /mnt',
              'echo "installed by $(id -un)" | sudo tee /mnt/installed',
              'sudo umount /mnt',
            ],
          },
        ],
        // bento's shape: a vagrant → vagrant-cloud chain (bake lacks the upload), left out with -except, beside a flat manifest.
        'post-processors': [[{ type: 'vagrant', output: 'box_{{.Provider}}.box' }, { type: 'vagrant-cloud', box_tag: 'bake/installer' }], { type: 'manifest', output: join(dir, 'manifest.json') }],
      }),
    );
    const run = await runBake(['build', '-debug', '-only=installer', '-except=vagrant', template], { cwd: dir, env: cache.env, timeoutMs: BOOT_MS });
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(0);
    expect(output).toContain('skipping virtualbox-iso: bake has no builder of that type, and -only/-except leaves it out');
    expect(output).toContain('post-processors[0][1].type: skipping post-processor "vagrant-cloud": bake has none of that type, and it comes after "vagrant" in its chain, which -except leaves out');
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).builds.map((b: { name: string }) => b.name)).toEqual(['installer']);
    const served = /Serving .* on 127\.0\.0\.1:(\d+) \(the guest reaches it at http:\/\/10\.0\.2\.2:(\d+)\/\)/.exec(output);
    expect(served, output).not.toBeNull();
    const port = served![1]!;
    expect(output).toContain('Creating a blank 64 MiB qcow2 disk for the installer');
    expect(output).toContain('Typing the boot command (through QMP)');
    expect(output).toContain(`boot_command: bakx<bs>e root=UUID=${uuid} ds=nocloud-net;s=http://10.0.2.2:${port}/ hostname=image.qcow2<enter>`);
    expect(output).toMatch(/HTTP GET \/meta-data 200 \(\d+ bytes\) from 127\.0\.0\.1/);
    expect(output).toMatch(/HTTP GET \/user-data 200 \(\d+ bytes\) from 127\.0\.0\.1/);
    expect(output).toMatch(new RegExp(`-drive file=${iso.replace(/[.]/g, '\\.')},media=cdrom,readonly=on -boot once=d`));
    expect(output).toContain(
      `Gracefully halting the virtual machine: echo '<sensitive>' | PACKER_BUILD_NAME='installer' PACKER_BUILDER_TYPE='qemu' PACKER_HTTP_ADDR='10.0.2.2:${port}' sudo -S -E sh -c`,
    );
    expect(output).not.toContain('pw-3f9a1c');
    expect(readGuestFile(installer, '/etc/shut-down-by')).toBe('installer/qemu\n');
    // What the guest's kernel got is exactly what was typed, the backspace included.
    const cmdline = readGuestFile(installer, '/etc/seeded-over-http');
    expect(cmdline).toContain(`root=UUID=${uuid} ds=nocloud-net;s=http://10.0.2.2:${port}/ hostname=image.qcow2`);
    expect(cmdline).toMatch(/^BOOT_IMAGE=\/vmlinuz initrd=\/initrd\.img /);
    // The installed disk is the artifact.
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', join(out, 'image.qcow2')], { encoding: 'utf8' }));
    expect(info['virtual-size']).toBe(64 * 1024 * 1024);
    const raw = join(dir, 'image.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', join(out, 'image.qcow2'), raw]);
    expect(execFileSync('debugfs', ['-R', 'cat /installed', raw], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toBe('installed by baker\n');
    expect(await portAnswers(Number(port))).toBe(false);
    expect(qemuProcessesFor(out)).toEqual([]);
    expect(cache.openResources()).toEqual([]);
    // This build's own work directory (seed, QMP socket, serial log), named in its debug log of QEMU's command line;
    // other builds on the same machine may have theirs meanwhile.
    const work = /-qmp unix:(\S+)\/qmp\.sock/.exec(output)?.[1];
    expect(work && workDirs().includes(basename(work))).toBe(false);
    expect(work, output).toMatch(/bake-qemu-/);
  }, BOOT_MS);
});
