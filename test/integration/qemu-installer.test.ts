import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';
import { bootIso } from './boot-iso.js';
import { baseImage, isolatedCache, qemuProcessesFor, readGuestFile, workDirs } from './qemu-harness.js';

// One real boot under TCG (KVM when it works): a boot loader waiting at its prompt, a typed kernel
// command line, a seed fetched over HTTP. A minute or two on an idle machine.
const BOOT_MS = 15 * 60_000;

let dir: string;
let iso: string;
let cache: ReturnType<typeof isolatedCache>;
beforeAll(async () => {
  const image = await baseImage();
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

describe('qemu builder: a boot command typed at a boot loader, the seed served over HTTP', () => {
  it('types the kernel command line through QMP, the guest fetches its seed from http_directory, provisioners run (bento-style template, -only)', async () => {
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
    const out = join(dir, 'out');
    const template = join(dir, 'multi.json');
    writeFileSync(
      template,
      JSON.stringify({
        builders: [
          { type: 'virtualbox-iso', guest_os_type: 'Debian_64', iso_url: 'debian.iso', boot_command: ['<esc>'] },
          {
            type: 'qemu',
            name: 'installer',
            output_directory: out,
            vm_name: 'image.qcow2',
            use_backing_file: true,
            http_directory: http,
            // The boot loader waits at its prompt, so Packer's 10 s boot_wait is safe even on a slow host.
            qemuargs: [['-cdrom', iso], ['-boot', 'once=d']],
            boot_key_interval: '20ms',
            boot_command: ['<wait>bakx<bs>e root=/dev/vda1 ', 'ds=nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ hostname={{ .Name }}<enter>'],
            ssh_username: 'baker',
            ssh_private_key_file: join(dir, 'key'),
            ssh_timeout: '12m',
            shutdown_command: "echo 'baker' | sudo -S shutdown -P now",
            shutdown_timeout: '3m',
          },
        ],
        provisioners: [{ type: 'shell', inline: ['echo "provisioned as $(id -un)" | sudo tee /etc/provisioned'] }],
      }),
    );
    const run = await runBake(['build', '-debug', '-only=installer', template], { cwd: dir, env: cache.env, timeoutMs: BOOT_MS });
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(0);
    expect(output).toContain('skipping virtualbox-iso: bake has no builder of that type, and -only/-except leaves it out');
    const served = /Serving .* on 127\.0\.0\.1:(\d+) \(the guest reaches it at http:\/\/10\.0\.2\.2:(\d+)\/\)/.exec(output);
    expect(served, output).not.toBeNull();
    const port = served![1]!;
    expect(output).toContain('Typing the boot command (through QMP)');
    expect(output).toContain(`boot_command: bakx<bs>e root=/dev/vda1 ds=nocloud-net;s=http://10.0.2.2:${port}/ hostname=image.qcow2<enter>`);
    expect(output).toMatch(/HTTP GET \/meta-data 200 \(\d+ bytes\) from 127\.0\.0\.1/);
    expect(output).toMatch(/HTTP GET \/user-data 200 \(\d+ bytes\) from 127\.0\.0\.1/);
    // What the guest's kernel got is exactly what was typed, the backspace included.
    const cmdline = readGuestFile(join(out, 'image.qcow2'), '/etc/seeded-over-http');
    expect(cmdline).toContain(`root=/dev/vda1 ds=nocloud-net;s=http://10.0.2.2:${port}/ hostname=image.qcow2`);
    expect(cmdline).toMatch(/^BOOT_IMAGE=\/vmlinuz initrd=\/initrd\.img /);
    expect(readGuestFile(join(out, 'image.qcow2'), '/etc/provisioned')).toBe('provisioned as baker\n');
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
