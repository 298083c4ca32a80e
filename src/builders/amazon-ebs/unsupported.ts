import { sshUnsupported, winrmUnsupported } from '../../communicator/index.js';
import type { Unsupported } from '../../plugins/types.js';

const changesImage = (why: string) => ({ effect: 'error', why }) as const;
/** A boolean option bake cannot honour when true: false, Packer's default, changes nothing. */
const refusedIfTrue = (why: string) => ({ effect: 'error', why, inert: [false] }) as const;
const harmless = (why: string) => ({ effect: 'warn', why }) as const;

/** Packer amazon-ebs options bake recognises but does not implement yet. */
const { ssh_keypair_name: _implementedHere, ...sshStillUnsupported } = sshUnsupported;

export const amazonEbsUnsupported: Unsupported = {
  ...sshStillUnsupported,
  ...winrmUnsupported,
  fleet_tag: harmless('bake starts spot instances with RunInstances; no fleet is created'),
  snapshot_copy_duration_minutes: harmless('region copies are made at the standard rate; the image is the same'),
  skip_ami_run_tags: { ...harmless('bake never puts run_tags on the AMI (Packer does unless this is true); give the AMI\'s tags in tags'), inert: [true] },
  spot_price_auto_product: harmless('"auto" spot prices are capped at the on-demand price without it'),
  spot_allocation_strategy: harmless('bake requests spot instances one type at a time, in the order given'),
  block_duration_minutes: harmless('spot blocks are no longer offered by EC2'),
  fleet_tags: harmless('bake starts spot instances with RunInstances; no fleet is created'),
  temporary_security_group_source_public_ip: changesImage('not supported yet; give temporary_security_group_source_cidrs'),
  temporary_iam_instance_profile_policy_document: changesImage('temporary instance profiles are not supported yet; give iam_instance_profile'),
  skip_profile_validation: harmless('bake does not validate the instance profile'),
  ami_product_codes: changesImage('product codes are not supported yet'),
  skip_save_build_region: refusedIfTrue('not supported yet: the AMI is always kept in the build region'),
  deprecate_at: changesImage('AMI deprecation is not supported yet'),
  deregistration_protection: changesImage('deregistration protection is not supported yet'),
  imds_support: changesImage('not supported yet: the AMI would not force IMDSv2 on its instances'),
  boot_mode: changesImage('boot_mode is not supported yet'),
  tpm_support: changesImage('tpm_support is not supported yet'),
  uefi_data: changesImage('uefi_data is not supported yet'),
  fast_launch: changesImage('Windows fast launch is not supported'),
  no_ephemeral: refusedIfTrue('no_ephemeral is not supported yet'),
  license_specifications: changesImage('license specifications are not supported yet'),
  placement: changesImage('placement (host resource groups, tenancy) is not supported yet'),
  tenancy: changesImage('tenancy is not supported yet'),
  capacity_reservation_preference: harmless('capacity reservations are not used'),
  capacity_reservation_id: changesImage('capacity reservations are not supported yet'),
  capacity_reservation_group_arn: changesImage('capacity reservations are not supported yet'),
  enable_nitro_enclave: refusedIfTrue('Nitro enclaves are not supported yet'),
  windows_password_timeout: changesImage('WinRM and Windows passwords are not supported'),
  session_manager_port: changesImage('SSM session manager connections are not supported; use ssh_interface'),
  pause_before_ssm: harmless('SSM session manager connections are not supported'),
  ssm_agent_enable_retries: harmless('SSM session manager connections are not supported'),
  vault_aws_engine: changesImage('Vault credentials are not supported; use a profile or assume_role'),
  mfa_code: changesImage('MFA codes are not supported; use a profile with cached SSO credentials'),
  decode_authorization_messages: harmless('authorization messages are shown as EC2 returns them'),
  insecure_skip_tls_verify: refusedIfTrue('TLS verification cannot be turned off'),
  snapshot_copy_completion_timeout: harmless('use aws_polling to bound waits'),
};
