import { UsageError } from '../../core/errors.js';
import { amiNameProblem, KNOWN_REGIONS } from './regions.js';
import type { ResolvedEbs } from './resolved.js';

/** Refuses, before anything is created, what EC2 would refuse half-way through a build. */
export function checkResolved(r: ResolvedEbs, skipRegionValidation: boolean): void {
  const fail = (key: string, text: string): never => {
    throw new UsageError(`${r.where}.${key}: ${text}`);
  };
  if (!skipRegionValidation) {
    if (!KNOWN_REGIONS.has(r.region)) fail('region', `unknown region "${r.region}" (set skip_region_validation for a region bake does not know)`);
    r.ami.regions.forEach((region, i) => {
      if (!KNOWN_REGIONS.has(region)) fail(`ami_regions[${i}]`, `unknown region "${region}" (set skip_region_validation for a region bake does not know)`);
    });
  }
  const i = r.ami.regions.indexOf(r.region);
  if (i >= 0) fail(`ami_regions[${i}]`, `"${r.region}" is the build region, where the AMI is made anyway; remove it`);
  // A deferred {{ .SourceAMIName }} is rendered later; the name is checked again then.
  const problem = r.ami.name.includes('{{') ? undefined : amiNameProblem(r.ami.name);
  if (problem) fail('ami_name', problem);
  if (!r.sourceAmi && !r.sourceAmiFilter) fail('source_ami', 'one of source_ami or source_ami_filter is required');
  if (r.sourceAmiFilter && r.sourceAmiFilter.owners.length === 0 && !r.sourceAmi) {
    fail('source_ami_filter.owners', 'required: name the accounts the source AMI may come from (e.g. ["amazon"] or an account id), so a look-alike AMI cannot be picked');
  }
  if (r.instanceTypes.length === 0) fail('instance_type', 'required');
  if (r.spot?.maxPrice !== undefined && !/^\d+(\.\d+)?$/.test(r.spot.maxPrice)) fail('spot_price', `must be "auto" or a price like "0.05", not "${r.spot.maxPrice}"`);
  if (r.spot && r.disableStop) fail('disable_stop_instance', 'a one-time spot instance cannot be stopped; remove disable_stop_instance or spot_price');
  if (r.ami.kmsKeyId && r.ami.encryptBoot !== true) fail('kms_key_id', 'needs "encrypt_boot": true');
  for (const region of Object.keys(r.ami.regionKmsKeyIds)) {
    if (region !== r.region && !r.ami.regions.includes(region)) fail(`region_kms_key_ids.${region}`, `"${region}" is not in ami_regions`);
    if (r.ami.encryptBoot === false) fail('region_kms_key_ids', 'conflicts with "encrypt_boot": false');
  }
  if (r.userData !== undefined && r.userDataFile) fail('user_data_file', 'give user_data or user_data_file, not both');
  if (r.sshInterface === 'session_manager') fail('ssh_interface', '"session_manager" is not supported yet; use public_ip or private_ip (with ssh_bastion_host if needed)');
  if (r.communicator === 'ssh') {
    if (!r.ssh.ssh_username) fail('ssh_username', 'required to connect over SSH (or set "communicator": "none")');
    if (r.keyPairName && !r.ssh.ssh_private_key_file && !r.ssh.ssh_agent_auth) {
      fail('ssh_private_key_file', 'required with ssh_keypair_name (or set ssh_agent_auth)');
    }
  }
}
