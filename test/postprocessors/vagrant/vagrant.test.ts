import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/artifact.js';
import { plugin, type VagrantConfig } from '../../../src/postprocessors/vagrant/index.js';
import { makePostProcessContext } from '../../helpers/context.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'bake-vagrant-'));
const envIn = (dir: string) => ({ file: 't.pkr.hcl', path: 'build[0].post-processor[0]', templateDir: dir });
const create = (config: Record<string, unknown>, dir: string) => plugin.create(config as VagrantConfig, envIn(dir));

/** A real qcow2 of 3 GiB and a bit (virtual), as a qemu build leaves it, with some data written. */
function qemuArtifact(dir: string, accelerator = 'kvm'): Artifact {
  const disk = join(dir, 'out', 'debian-12');
  mkdirSync(join(dir, 'out'));
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, `${3 * 1024 + 1}M`]);
  return { builderType: 'qemu', buildName: 'qemu.vm', id: disk, files: [disk], images: { local: disk }, metadata: { format: 'qcow2', accelerator }, description: '' };
}

function unpack(box: string): string {
  const x = mkdtempSync(join(tmpdir(), 'bake-vagrant-x-'));
  execFileSync('tar', ['-xzf', box, '-C', x]);
  return x;
}

describe('vagrant post-processor (libvirt boxes of qemu builds)', () => {
  it('packs the disk as box.img with metadata.json and a Vagrantfile holding the custom template, at the rendered output', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Vagrantfile.template'), 'Vagrant.configure(2) do |config|\n  config.vm.box_url = "{{ .BuildName }}/{{ .Provider }}"\nend\n');
    writeFileSync(join(dir, 'info.json'), '{"author":"me"}\n');
    const artifact = qemuArtifact(dir);
    const ctx = makePostProcessContext({ buildName: 'qemu.vm', buildType: 'qemu' });
    const pp = create(
      { output: join(dir, 'boxes/debian-12.{{ .Provider }}.{{ .Architecture }}.box'), vagrantfile_template: 'Vagrantfile.template', include: ['info.json'], architecture: 'amd64', compression_level: 1 },
      dir,
    );
    const out = await pp.run(ctx, artifact);
    const box = join(dir, 'boxes/debian-12.libvirt.amd64.box');
    expect(out.artifact).toMatchObject({ builderType: 'vagrant', id: box, files: [box] });
    expect(out.forceKeepInput).toBeUndefined();
    const x = unpack(box);
    expect(execFileSync('tar', ['-tzf', box]).toString().split('\n').filter(Boolean)).toEqual(['info.json', 'metadata.json', 'Vagrantfile', 'box.img']);
    expect(JSON.parse(readFileSync(join(x, 'metadata.json'), 'utf8'))).toEqual({ provider: 'libvirt', format: 'qcow2', virtual_size: 4, architecture: 'amd64' });
    expect(readFileSync(join(x, 'box.img')).equals(readFileSync(artifact.files[0]))).toBe(true);
    const vagrantfile = readFileSync(join(x, 'Vagrantfile'), 'utf8');
    expect(vagrantfile).toContain('config.vm.provider :libvirt do |libvirt|\n    libvirt.driver = "kvm"');
    expect(vagrantfile).toContain('config.vm.box_url = "qemu.vm/libvirt"');
    expect(readFileSync(join(x, 'info.json'), 'utf8')).toBe('{"author":"me"}\n');
    expect(existsSync(`${box}.partial`)).toBe(false);
  });

  it('uses the qemu driver after a TCG build, takes override.libvirt, and replaces a box left by an earlier run as Packer does', async () => {
    const dir = tmp();
    const output = join(dir, 'b.box');
    writeFileSync(output, 'old box');
    const pp = create({ output, compression_level: 9, override: { libvirt: { compression_level: 0, vagrantfile_template_content: 'config.x = 1', vagrantfile_template: 'generated.rb' } } }, dir);
    await pp.run(makePostProcessContext({ buildName: 'b' }), qemuArtifact(dir, 'tcg'));
    const vagrantfile = readFileSync(join(unpack(output), 'Vagrantfile'), 'utf8');
    expect(vagrantfile).toContain('libvirt.driver = "qemu"');
    expect(vagrantfile).toContain('config.x = 1');
  });

  it('refuses what bake cannot make or read, when the template is checked', () => {
    const dir = tmp();
    expect(() => create({ vagrantfile_template: 'missing.rb' }, dir)).toThrow(
      `t.pkr.hcl: build[0].post-processor[0].vagrantfile_template: "missing.rb" does not exist (looked in ${process.cwd()} and ${dir})`,
    );
    expect(() => create({ vagrantfile_template: 'missing.rb', vagrantfile_template_generated: true }, dir)).not.toThrow();
    expect(() => create({ vagrantfile_template_content: 'x' }, dir)).toThrow(
      't.pkr.hcl: build[0].post-processor[0].vagrantfile_template_content: needs vagrantfile_template to be set too, as in Packer',
    );
  });

  it('refuses an artifact that is not a qemu disk, naming its type', async () => {
    const dir = tmp();
    const ami: Artifact = { builderType: 'amazon-ebs', buildName: 'a', id: 'us-east-1:ami-1', files: [], images: { 'us-east-1': 'ami-1' }, metadata: {}, description: '' };
    await expect(create({ output: join(dir, 'x.box') }, dir).run(makePostProcessContext(), ami)).rejects.toThrow(
      'vagrant post-processor: bake makes Vagrant boxes for the libvirt provider, from qemu builds only; the amazon-ebs artifact cannot become one',
    );
  });
});
