import { isAbsolute, resolve as resolvePath } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { PluginEnv } from '../../plugins/types.js';
import { amiNameProblem, KNOWN_REGIONS, resolveAmazonEbs } from '../amazon-ebs/index.js';
import { resolveChrootConfig } from '../chroot/index.js';
import type { ResolvedAmazonChroot } from './resolved.js';
import type { AmazonChrootConfig } from './schema.js';

/** Turns a validated amazon-chroot config into the strict form the steps use; throws UsageError on bad combinations. */
export function resolveAmazonChroot(c: AmazonChrootConfig, env: PluginEnv): ResolvedAmazonChroot {
  const where = `${env.file}: ${env.path}`;
  const fail = (key: string, text: string): never => {
    throw new UsageError(`${where}.${key}: ${text}`);
  };
  const region = c.region ?? '';
  // amazon-ebs's resolver knows the shared access and AMI options; its instance options get inert values.
  const ebs = resolveAmazonEbs(
    { ...c, region: region || 'us-east-1', instance_type: 'none', communicator: 'none', source_ami: c.source_ami ?? (c.from_scratch ? 'none' : undefined), skip_region_validation: true },
    env,
  );
  if (!c.skip_region_validation) {
    if (region && !KNOWN_REGIONS.has(region)) fail('region', `unknown region "${region}" (set skip_region_validation for a region bake does not know)`);
    (c.ami_regions ?? []).forEach((r, i) => {
      if (!KNOWN_REGIONS.has(r)) fail(`ami_regions[${i}]`, `unknown region "${r}" (set skip_region_validation for a region bake does not know)`);
    });
  }
  const fromScratch = c.from_scratch ?? false;
  if (fromScratch) {
    if (c.source_ami || c.source_ami_filter) fail('from_scratch', 'give from_scratch or a source AMI (source_ami, source_ami_filter), not both');
    if (!c.root_volume_size) fail('root_volume_size', 'required with from_scratch: the size of the empty volume in GiB');
    if (!c.root_device_name) fail('root_device_name', 'required with from_scratch, e.g. "/dev/xvda"');
    if (!c.pre_mount_commands?.length) fail('pre_mount_commands', 'required with from_scratch: they partition and format the empty volume ({{.Device}})');
  }
  if (c.root_volume_kms_key_id && !c.root_volume_encrypt_boot) fail('root_volume_kms_key_id', 'needs "root_volume_encrypt_boot": true');
  if ((c.tpm_support || c.uefi_data) && c.boot_mode !== 'uefi') fail(c.tpm_support ? 'tpm_support' : 'uefi_data', 'needs "boot_mode": "uefi"');
  for (const key of ['device_path', 'nvme_device_path'] as const) {
    const v = c[key];
    if (v !== undefined && !isAbsolute(v)) fail(key, `must be an absolute path like "/dev/xvdf", got "${v}"`);
  }
  const problem = c.ami_name.includes('{{') ? undefined : amiNameProblem(c.ami_name);
  if (problem) fail('ami_name', problem);
  const mountPathTemplate = c.mount_path ? (c.mount_path.includes('{{') ? c.mount_path : resolvePath(c.mount_path)) : undefined;
  const { mount_path: _rendered, ...chrootOptions } = c;
  const chroot = resolveChrootConfig(
    {
      mount_partition: chrootOptions.mount_partition ?? '1',
      mount_options: chrootOptions.mount_options,
      chroot_mounts: chrootOptions.chroot_mounts,
      copy_files: chrootOptions.copy_files,
      pre_mount_commands: chrootOptions.pre_mount_commands,
      post_mount_commands: chrootOptions.post_mount_commands,
      command_wrapper: chrootOptions.command_wrapper,
    },
    env,
  );
  const { source: _s, diskSizeMiB: _d, format: _f, outputDir: _o, vmName: _v, compress: _c, ...mount } = chroot;
  return {
    where,
    templateFile: ebs.templateFile,
    templateDir: ebs.templateDir,
    access: { ...ebs.access, region },
    region,
    regionGiven: region !== '',
    sourceAmi: fromScratch ? undefined : ebs.sourceAmi,
    sourceAmiFilter: ebs.sourceAmiFilter,
    ami: ebs.ami,
    instancePolling: ebs.instancePolling,
    imagePolling: ebs.imagePolling,
    fromScratch,
    volume: {
      sizeGiB: c.root_volume_size,
      type: c.root_volume_type ?? 'gp2',
      tags: c.root_volume_tags ?? {},
      encrypted: c.root_volume_encrypt_boot,
      kmsKeyId: c.root_volume_kms_key_id,
    },
    register: {
      rootDeviceName: c.root_device_name,
      virtualizationType: c.ami_virtualization_type ?? 'hvm',
      architecture: c.ami_architecture,
      bootMode: c.boot_mode,
      tpmSupport: c.tpm_support,
      uefiData: c.uefi_data,
      imdsSupport: c.imds_support,
    },
    amiMappings: ebs.amiMappings,
    devicePath: c.device_path,
    nvmeDevicePath: c.nvme_device_path,
    mountPathTemplate,
    mount,
  };
}
