import { isAbsolute, resolve as resolvePath } from 'node:path';
import { awsAccessFrom, type Polling } from '../../cloud/aws/index.js';
import type { PluginEnv } from '../../plugins/types.js';
import type { BlockDevice, ResolvedEbs } from './resolved.js';
import type { AmazonEbsConfig } from './schema.js';
import { checkResolved } from './validate.js';

type BlockDeviceInput = NonNullable<AmazonEbsConfig['launch_block_device_mappings']>[number];

function blockDevices(list: BlockDeviceInput[] | undefined): BlockDevice[] {
  return (list ?? []).map((d) => ({
    deviceName: d.device_name,
    deleteOnTermination: d.delete_on_termination,
    encrypted: d.encrypted,
    iops: d.iops,
    throughput: d.throughput,
    kmsKeyId: d.kms_key_id,
    noDevice: d.no_device,
    snapshotId: d.snapshot_id,
    virtualName: d.virtual_name,
    volumeType: d.volume_type,
    volumeSize: d.volume_size,
  }));
}

/** A tags map with Packer's repeatable tag blocks laid over it, as Packer merges them. */
function withBlocks(map: Record<string, string> | undefined, blocks: readonly ({ key: string; value: string } | { name: string; value: string })[] | undefined): Record<string, string> {
  const merged = { ...map };
  for (const b of blocks ?? []) merged['key' in b ? b.key : b.name] = b.value;
  return merged;
}

function polling(c: AmazonEbsConfig, defaultMaxWaitMs: number): Polling {
  const delay = c.aws_polling?.delay_seconds;
  const attempts = c.aws_polling?.max_attempts;
  if (delay === undefined && attempts === undefined) return { minDelayMs: 250, maxDelayMs: 15_000, maxWaitMs: defaultMaxWaitMs };
  const d = (delay ?? 15) * 1000;
  return { minDelayMs: d, maxDelayMs: d, maxWaitMs: attempts === undefined ? defaultMaxWaitMs : d * attempts };
}

/** Turns a validated amazon-ebs config into the strict form the steps use; throws UsageError on bad combinations. */
export function resolveAmazonEbs(c: AmazonEbsConfig, env: PluginEnv): ResolvedEbs {
  const where = `${env.file}: ${env.path}`;
  const abs = (p: string) => (isAbsolute(p) ? p : resolvePath(env.templateDir, p));
  const securityGroupIds = [...(c.security_group_ids ?? []), ...(c.security_group_id ? [c.security_group_id] : [])];
  const resolved: ResolvedEbs = {
    where,
    templateFile: env.file,
    templateDir: env.templateDir,
    access: awsAccessFrom(c, c.region, abs),
    region: c.region,
    sourceAmi: c.source_ami,
    sourceAmiFilter: c.source_ami_filter && {
      filters: c.source_ami_filter.filters ?? {},
      owners: c.source_ami_filter.owners ?? [],
      mostRecent: c.source_ami_filter.most_recent ?? false,
      includeDeprecated: c.source_ami_filter.include_deprecated ?? false,
    },
    instanceTypes: c.spot_instance_types?.length
      ? [...c.spot_instance_types]
      : [...(c.instance_type ? [c.instance_type] : []), ...(c.instance_types ?? []).filter((t) => t !== c.instance_type)],
    spot: c.spot_price ? { maxPrice: c.spot_price === 'auto' ? undefined : c.spot_price, tags: withBlocks(c.spot_tags, c.spot_tag) } : undefined,
    subnetId: c.subnet_id,
    subnetFilter: c.subnet_filter && { filters: c.subnet_filter.filters ?? {}, mostFree: !!c.subnet_filter.most_free, random: !!c.subnet_filter.random },
    vpcId: c.vpc_id,
    vpcFilter: c.vpc_filter && { filters: c.vpc_filter.filters ?? {} },
    availabilityZone: c.availability_zone,
    associatePublicIp: c.associate_public_ip_address,
    securityGroupIds,
    securityGroupFilter: c.security_group_filter && { filters: c.security_group_filter.filters ?? {} },
    tempSgCidrs: c.temporary_security_group_source_cidrs ?? ['0.0.0.0/0'],
    iamInstanceProfile: c.iam_instance_profile,
    userData: c.user_data,
    userDataFile: c.user_data_file ? abs(c.user_data_file) : undefined,
    ebsOptimized: c.ebs_optimized ?? false,
    unlimitedCredits: (c.enable_t2_unlimited ?? false) || (c.enable_unlimited_credits ?? false),
    shutdownBehavior: c.shutdown_behavior ?? 'stop',
    metadata: {
      httpEndpoint: c.metadata_options?.http_endpoint ?? 'enabled',
      httpTokens: c.metadata_options?.http_tokens ?? 'required',
      hopLimit: c.metadata_options?.http_put_response_hop_limit ?? 1,
      instanceMetadataTags: c.metadata_options?.instance_metadata_tags ?? 'disabled',
    },
    launchMappings: blockDevices(c.launch_block_device_mappings),
    amiMappings: blockDevices(c.ami_block_device_mappings),
    runTags: withBlocks(c.run_tags, c.run_tag),
    runVolumeTags: withBlocks(c.run_volume_tags, c.run_volume_tag),
    communicator: c.communicator ?? 'ssh',
    sshInterface: c.ssh_interface,
    sshHost: c.ssh_host,
    sshPort: c.ssh_port ?? 22,
    keyPairName: c.ssh_keypair_name,
    tempKeyPairName: c.temporary_key_pair_name,
    ssh: { ...c, ssh_private_key_file: c.ssh_private_key_file ? abs(c.ssh_private_key_file) : undefined } as ResolvedEbs['ssh'],
    disableStop: c.disable_stop_instance ?? false,
    ami: {
      name: c.ami_name,
      description: c.ami_description,
      virtualizationType: c.ami_virtualization_type,
      regions: [...new Set(c.ami_regions ?? [])],
      regionKmsKeyIds: c.region_kms_key_ids ?? {},
      encryptBoot: c.encrypt_boot,
      kmsKeyId: c.kms_key_id,
      users: c.ami_users ?? [],
      groups: c.ami_groups ?? [],
      orgArns: c.ami_org_arns ?? [],
      ouArns: c.ami_ou_arns ?? [],
      snapshotUsers: c.snapshot_users ?? [],
      snapshotGroups: c.snapshot_groups ?? [],
      tags: withBlocks(c.tags, c.tag),
      snapshotTags: withBlocks(c.snapshot_tags, c.snapshot_tag),
      enaSupport: c.ena_support,
      sriovSupport: c.sriov_support,
      forceDeregister: c.force_deregister ?? false,
      forceDeleteSnapshot: c.force_delete_snapshot ?? false,
      skipCreate: c.skip_create_ami ?? false,
    },
    instancePolling: polling(c, 15 * 60_000),
    imagePolling: polling(c, 90 * 60_000),
  };
  checkResolved(resolved, c.skip_region_validation ?? false);
  return resolved;
}
