import type { Artifact } from '../../core/artifact.js';
import { BakeError } from '../../core/errors.js';

/** What a libvirt box holds besides its files: metadata.json and the provider's Vagrantfile lines. */
export interface BoxContents {
  metadata: Record<string, unknown>;
  vagrantfile: string;
}

/** The disk of a qemu build; other artifacts are refused (Packer's other providers are not in bake). */
export function libvirtDisk(artifact: Artifact): string {
  const disk = artifact.images.local ?? artifact.files[0];
  if (artifact.builderType !== 'qemu' || !disk) {
    throw new BakeError(`vagrant post-processor: bake makes Vagrant boxes for the libvirt provider, from qemu builds only; the ${artifact.builderType} artifact cannot become one`);
  }
  return disk;
}

const GIB = 1024 ** 3;

/**
 * vagrant-libvirt's box: the disk as box.img, its format and virtual size in GiB (rounded up, so the
 * guest's disk is never made smaller) in metadata.json, and a Vagrantfile that picks the libvirt
 * driver from the accelerator the build used (KVM, or QEMU's own emulation), as Packer's
 * vagrant post-processor does.
 */
export function libvirtBox(artifact: Artifact, image: { format: string; virtualSize: number }): BoxContents {
  const driver = artifact.metadata.accelerator === 'kvm' ? 'kvm' : 'qemu';
  return {
    metadata: { provider: 'libvirt', format: image.format, virtual_size: Math.ceil(image.virtualSize / GIB) },
    vagrantfile: `Vagrant.configure("2") do |config|\n  config.vm.provider :libvirt do |libvirt|\n    libvirt.driver = "${driver}"\n  end\nend\n`,
  };
}
