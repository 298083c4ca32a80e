import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../../src/plugins/registry.js';
import { loadHcl2Template } from '../../../src/template/hcl2/index.js';

const dir = join(import.meta.dirname, '../../fixtures/hcl2');

/**
 * Templates written in the shape of the public ones bake must read: chef/bento's directory with a
 * var file, tylert/packer-build's templatefile and legacy_isotime, rgl/ubuntu-vagrant's heredoc
 * and build.ID.
 */
describe('HCL2 templates in the shape of public ones', () => {
  it('bento: a directory, a -var-file, for/try/sha256/conditional except, the host-info data source', async () => {
    const plan = await loadHcl2Template(join(dir, 'bento'), {
      registry,
      varFiles: [join(dir, 'bento/os_pkrvars/debian-12-x86_64.pkrvars.hcl')],
      only: ['qemu.*'],
      env: {},
    });
    expect(plan.builds.map((b) => b.name)).toEqual(['qemu.vm']);
    expect(plan.skippedBuilds).toEqual(['utm-iso.vm', 'virtualbox-iso.vm']);
    const build = plan.builds[0];
    // The Windows provisioner is excepted for every Linux source: never evaluated, never an unknown-type error.
    expect(build.provisioners.map((p) => p.type)).toEqual(['shell']);
    // bento's vagrant box is made (libvirt); its utm-vagrant runs only after utm-iso.vm, so it is left out.
    expect(build.postProcessorChains.map((c) => c.map((p) => p.type))).toEqual([['manifest'], ['vagrant']]);
    const cfg = build.fingerprint!.provisioners[0];
    expect(cfg.scripts).toEqual([join(dir, 'bento/scripts/cleanup_debian.sh')]);
    expect(build.fingerprint!.template.builder).toMatchObject({ vm_name: 'debian-12.8-x86_64', memory: 2048, qemu_binary: 'qemu-system-x86_64' });
    expect(plan.sensitiveValues).toContain('vagrant');
    expect(plan.variables.find((v) => v.name === 'ssh_password')).toEqual({ name: 'ssh_password', value: 'vagrant', sensitive: true });
    // Only what a Packer user would want to know, each at its place.
    expect(plan.warnings.map((w) => w.replace(`${dir}/`, ''))).toEqual([
      'bento/pkr-plugins.pkr.hcl:8:5: required_plugins: bake has nothing of the "virtualbox" plugin (github.com/hashicorp/virtualbox); builds that use it need -only/-except to leave them out',
      'bento/pkr-builder.pkr.hcl:38:3: skipping post-processor "utm-vagrant": bake has none of that type, and no build this run selects reaches it',
      'bento: skipping utm-iso.vm (utm-iso), virtualbox-iso.vm (virtualbox-iso): bake has no builder of those types, and -only/-except leaves them out',
    ]);
  });

  it('bento: a failed validation rule and a missing required variable are reported at their blocks', async () => {
    const err = await loadHcl2Template(join(dir, 'bento'), { registry, vars: { os_arch: 'sparc' }, only: ['qemu.*'], env: {} }).catch((e: Error) => e);
    const text = (err as Error).message;
    expect(text).toMatch(/pkr-variables\.pkr\.hcl:1:1: required variable "os_name" is not set/);
    expect(text).toMatch(/invalid value for variable "os_arch": The OS architecture type should be either x86_64 or aarch64\./);
  });

  it('tylert: templatefile with {var = var}, legacy_isotime, and a warning for only = ["qemu", "vbox"]', async () => {
    const now = new Date('2024-05-06T07:08:09Z');
    const plan = await loadHcl2Template(join(dir, 'tylert/base.pkr.hcl'), { registry, now, env: {} });
    const qemu = plan.builds.find((b) => b.name === 'qemu.qemu')!;
    expect(qemu.fingerprint!.template.builder.vm_name).toBe('base-20240506070809');
    expect((qemu.fingerprint!.template.builder.http_content as Record<string, string>)['/user-data']).toBe(
      '#cloud-config\nautoinstall:\n  identity:\n    hostname: base\n    username: tylert\ngroup: adm\ngroup: sudo\n',
    );
    // The entries name no source: the provisioner runs nowhere, as in Packer, and bake says what was meant.
    expect(qemu.provisioners.map((p) => p.type)).toEqual(['shell']);
    expect(plan.builds.find((b) => b.name === 'null.vbox')!.provisioners).toEqual([]);
    expect(plan.warnings).toContain(
      `${join(dir, 'tylert/base.pkr.hcl')}:43:5: provisioner "shell": only entries "qemu", "vbox" match no source of this build (sources: qemu.qemu, null.vbox), so they select nothing; did you mean "qemu.qemu" or "null.vbox"?`,
    );
  });

  it('rgl: a flush heredoc with build.ID left for the build, Go-template actions kept for the builder', async () => {
    const plan = await loadHcl2Template(join(dir, 'rgl/ubuntu.pkr.hcl'), { registry, env: {} });
    const build = plan.builds[0];
    expect(build.name).toBe('qemu.ubuntu-amd64');
    expect(build.fingerprint!.template.builder.disk_size).toBe('8192');
    expect(build.fingerprint!.template.builder.boot_command).toContain(' ds=nocloud-net;s=http://{{.HTTPIP}}:{{.HTTPPort}}/');
    expect(build.fingerprint!.provisioners[0].inline).toEqual(['set -euxo pipefail\necho "built by {{ build `ID` }} as qemu.ubuntu-amd64"\n']);
  });
});
