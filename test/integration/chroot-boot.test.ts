import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canChroot } from '../helpers/chroot-build.js';
import { imageFile, imageList, imageStat } from '../helpers/disk-image.js';
import { runBake } from '../helpers/run-bake.js';
import { baseImage, isolatedCache, qemuStandIn, readGuestFile } from './qemu-harness.js';

// One real boot under QEMU (TCG where there is no KVM: a minute or more).
const BOOT_MS = 15 * 60_000;
const EXAMPLE = join(process.cwd(), 'templates', 'examples', 'local-debian-chroot.json');

let dir: string;
let cache: ReturnType<typeof isolatedCache>;
beforeAll(async () => {
  const image = await baseImage();
  dir = mkdtempSync(join(tmpdir(), 'bake-it-chroot-'));
  cache = isolatedCache(dir, image);
}, 40 * 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!canChroot)('an image baked by the chroot builder boots', () => {
  it('the example\'s HCL2 form bakes the same image (no boot: the chroot builder)', async () => {
    const out = join(dir, 'out-chroot-hcl2');
    const hcl2 = join(process.cwd(), 'templates', 'examples', 'local-debian-chroot.pkr.hcl');
    const baked = await runBake(['build', '-var', `output_directory=${out}`, hcl2], { cwd: dir, env: cache.env, timeoutMs: 5 * 60_000 });
    expect(baked.code, baked.stdout + baked.stderr).toBe(0);
    expect(baked.stdout).toContain('chroot.local-debian-chroot: web.service is enabled: it starts when the image boots');
    const raw = join(dir, 'web-hcl2.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', join(out, 'web.qcow2'), raw]);
    expect(imageStat(raw, '/etc/systemd/system/multi-user.target.wants/web.service')).toContain('Type: symlink');
    expect(imageFile(raw, '/srv/www/index.html')).toContain('Hello from a bake-built');
    rmSync(raw);
  });

  it('the example bakes without booting; the image ships no machine-id or host keys; it boots to multi-user with cloud-init and the web service it enabled (a qemu build from HCL2, ending in a vagrant box)', async () => {
    const out = join(dir, 'out-chroot');
    const baked = await runBake(['build', '-var', `output_directory=${out}`, EXAMPLE], { cwd: dir, env: cache.env, timeoutMs: 5 * 60_000 });
    expect(baked.code, baked.stdout + baked.stderr).toBe(0);
    const qcow2 = join(out, 'web.qcow2');
    const raw = join(dir, 'web.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', qcow2, raw]);
    expect(imageFile(raw, '/etc/machine-id')).toBe('');
    expect(imageList(raw, '/etc/ssh').filter((n) => n.startsWith('ssh_host_'))).toEqual([]);
    expect(imageStat(raw, '/etc/systemd/system/multi-user.target.wants/web.service')).toContain('Type: symlink');
    rmSync(raw);

    // The boot also stands for a host whose KVM dies at start (QEMU's MSR assertion, as on kvm_pvm
    // hosts): bake tries KVM (a writable file stands for /dev/kvm), falls back to TCG after one
    // warning and bakes the image there. One TCG boot proves both (see kvm-fallback.test.ts).
    const qemu = qemuStandIn(dir, 'msr-exit', 'boot');
    writeFileSync(join(dir, 'kvm'), '');
    // The boot is also the suite's qemu build from an HCL2 template, ending in bento's vagrant box.
    const inline = [
      'cloud-init status --wait | tail -1',
      'systemctl is-active multi-user.target',
      'test -s /etc/machine-id && echo machine-id made at first boot',
      'ls /etc/ssh/ssh_host_ed25519_key && echo host keys made at first boot',
      'for i in $(seq 100); do python3 -c \'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8080/").read().decode())\' 2>/dev/null | grep -q "Hello from a bake-built" && break; sleep 0.3; done',
      'python3 -c \'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8080/")\' && echo web.service serves',
      'df -BM --output=size / | tail -1',
      'echo fell back | sudo tee /etc/bake-fallback',
    ];
    // JSON's string escapes are HCL's; none of these holds "${" or "%{", which HCL would read as a template.
    const hcl = (v: string) => JSON.stringify(v);
    const template = join(dir, 'boot.pkr.hcl');
    writeFileSync(
      template,
      `source "qemu" "qemu" {
  iso_url          = ${hcl(qcow2)}
  iso_checksum     = "none"
  ssh_username     = "debian"
  ssh_timeout      = "12m"
  output_directory = ${hcl(join(dir, 'out-boot'))}
  vm_name          = "image.qcow2"
  format           = "qcow2"
  qemu_binary      = ${hcl(qemu.binary)}
}

build {
  sources = ["source.qemu.qemu"]

  provisioner "shell" {
    inline = [
${inline.map((l) => `      ${hcl(l)},`).join('\n')}
    ]
  }

  post-processor "vagrant" {
    output              = "\${path.root}/image.{{ .Provider }}.box"
    compression_level   = 1
    keep_input_artifact = true
  }
}
`,
    );
    const booted = await runBake(['build', template], { cwd: dir, env: { ...cache.env, BAKE_KVM_DEVICE: join(dir, 'kvm') }, timeoutMs: BOOT_MS });
    expect(booted.code, booted.stdout + booted.stderr).toBe(0);
    expect(booted.stdout).toContain('status: done');
    expect(booted.stdout).toMatch(/qemu: active\n/);
    expect(booted.stdout).toContain('machine-id made at first boot');
    expect(booted.stdout).toContain('host keys made at first boot');
    expect(booted.stdout).toContain('web.service serves');
    // disk_size "3G" grew the root filesystem at bake time.
    expect(Number(/qemu: +(\d+)M\n/.exec(booted.stdout)?.[1])).toBeGreaterThan(2900);
    expect(cache.openResources()).toEqual([]);

    // KVM died at start: one warning quoting QEMU, the build's QEMU and the bare check under KVM, then TCG.
    const warnings = (booted.stdout + booted.stderr).split('\n').filter((l) => l.includes('KVM does not run guests'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('failed to set MSR 0x10a to 0x69');
    expect(booted.stdout).toContain('Starting QEMU (tcg,');
    expect(readGuestFile(join(dir, 'out-boot', 'image.qcow2'), '/etc/bake-fallback')).toBe('fell back\n');
    // The vagrant box holds the same disk, with the libvirt provider's metadata (the driver of the TCG run).
    const box = join(dir, 'image.libvirt.box');
    const unpacked = join(dir, 'box');
    execFileSync('mkdir', ['-p', unpacked]);
    execFileSync('tar', ['-xzf', box, '-C', unpacked]);
    expect(JSON.parse(readFileSync(join(unpacked, 'metadata.json'), 'utf8'))).toMatchObject({ provider: 'libvirt', format: 'qcow2' });
    expect(readFileSync(join(unpacked, 'Vagrantfile'), 'utf8')).toContain('libvirt.driver = "qemu"');
    expect(readGuestFile(join(unpacked, 'box.img'), '/etc/bake-fallback')).toBe('fell back\n');
    expect(qemu.starts()).toEqual(['kvm', 'kvm', 'tcg']);
  }, BOOT_MS + 5 * 60_000);
});
