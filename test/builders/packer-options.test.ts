import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QemuBuilder } from '../../src/builders/qemu/index.js';
import { registry } from '../../src/plugins/registry.js';
import { loadTemplate } from '../../src/template/index.js';
import { createPlugin, type Findings } from '../../src/template/load/plugin-config.js';

/**
 * Every option of Packer's qemu, amazon-ebs and openstack builders, copied from the plugins'
 * generated HCL2 specs (builder/*\/*.hcl2spec.go, FlatConfig.HCL2Spec) at the commits named below,
 * without Packer's internal packer_* keys. bake must take each one: implemented, inert with a
 * note, or refused with the reason, never "unknown key". A new Packer option goes in these lists,
 * so drift shows here.
 */
const packerOptions: Record<string, string> = {
  // hashicorp/packer-plugin-qemu 94d9fee5c9e115ac1da679a35593bed3badb6302
  qemu: `http_directory http_content http_port_min http_port_max http_bind_address http_interface http_network_protocol iso_checksum iso_url iso_urls iso_target_path iso_target_extension boot_keygroup_interval boot_wait boot_command disable_vnc boot_key_interval shutdown_command shutdown_timeout communicator pause_before_connecting ssh_host ssh_port ssh_username ssh_password ssh_keypair_name temporary_key_pair_name temporary_key_pair_type temporary_key_pair_bits ssh_ciphers ssh_clear_authorized_keys ssh_key_exchange_algorithms ssh_private_key_file ssh_certificate_file ssh_pty ssh_timeout ssh_wait_timeout ssh_agent_auth ssh_disable_agent_forwarding ssh_handshake_attempts ssh_bastion_host ssh_bastion_port ssh_bastion_agent_auth ssh_bastion_username ssh_bastion_password ssh_bastion_interactive ssh_bastion_private_key_file ssh_bastion_certificate_file ssh_file_transfer_method ssh_proxy_host ssh_proxy_port ssh_proxy_username ssh_proxy_password ssh_keep_alive_interval ssh_read_write_timeout ssh_remote_tunnels ssh_local_tunnels ssh_public_key ssh_private_key winrm_username winrm_password winrm_host winrm_no_proxy winrm_port winrm_timeout winrm_use_ssl winrm_insecure winrm_use_ntlm host_port_min host_port_max skip_nat_mapping ssh_host_port_min ssh_host_port_max floppy_files floppy_dirs floppy_content floppy_label cd_files cd_content cd_label cpus sockets cores threads efi_boot efi_firmware_code efi_firmware_vars efi_drop_efivars iso_skip_cache accelerator disk_additional_size firmware use_pflash disk_interface disk_size skip_resize_disk disk_cache disk_discard disk_detect_zeroes skip_compaction disk_compression format headless disk_image use_backing_file machine_type memory net_device net_bridge output_directory qemuargs qemu_img_args qemu_binary qmp_enable qmp_socket_path use_default_display vga display vnc_bind_address vnc_use_password vnc_password vnc_port_min vnc_port_max vm_name cdrom_interface vtpm use_tpm1 tpm_device_type boot_steps cpu_model run_once`,
  // hashicorp/packer-plugin-amazon 5028903a63216243753d3b0285cddde196db627c (builder/ebs)
  'amazon-ebs': `access_key assume_role custom_endpoint_ec2 shared_credentials_file decode_authorization_messages insecure_skip_tls_verify max_retries mfa_code profile region secret_key skip_metadata_api_check skip_credential_validation token vault_aws_engine aws_polling ami_name ami_description ami_virtualization_type ami_users ami_groups ami_org_arns ami_ou_arns ami_product_codes ami_regions skip_region_validation snapshot_copy_duration_minutes tags tag ena_support sriov_support force_deregister force_delete_snapshot encrypt_boot kms_key_id region_kms_key_ids skip_save_build_region imds_support deprecate_at snapshot_tags snapshot_tag snapshot_users snapshot_groups deregistration_protection associate_public_ip_address availability_zone block_duration_minutes capacity_reservation_preference capacity_reservation_id capacity_reservation_group_arn disable_stop_instance ebs_optimized enable_nitro_enclave enable_t2_unlimited enable_unlimited_credits iam_instance_profile fleet_tags fleet_tag skip_profile_validation temporary_iam_instance_profile_policy_document shutdown_behavior instance_type security_group_filter run_tags run_tag security_group_id security_group_ids source_ami source_ami_filter spot_allocation_strategy spot_instance_types spot_price spot_price_auto_product spot_tags spot_tag subnet_filter subnet_id license_specifications placement tenancy temporary_security_group_source_cidrs temporary_security_group_source_public_ip user_data user_data_file vpc_filter vpc_id windows_password_timeout metadata_options communicator pause_before_connecting ssh_host ssh_port ssh_username ssh_password ssh_keypair_name temporary_key_pair_name temporary_key_pair_type temporary_key_pair_bits ssh_ciphers ssh_clear_authorized_keys ssh_key_exchange_algorithms ssh_private_key_file ssh_certificate_file ssh_pty ssh_timeout ssh_wait_timeout ssh_agent_auth ssh_disable_agent_forwarding ssh_handshake_attempts ssh_bastion_host ssh_bastion_port ssh_bastion_agent_auth ssh_bastion_username ssh_bastion_password ssh_bastion_interactive ssh_bastion_private_key_file ssh_bastion_certificate_file ssh_file_transfer_method ssh_proxy_host ssh_proxy_port ssh_proxy_username ssh_proxy_password ssh_keep_alive_interval ssh_read_write_timeout ssh_remote_tunnels ssh_local_tunnels ssh_public_key ssh_private_key winrm_username winrm_password winrm_host winrm_no_proxy winrm_port winrm_timeout winrm_use_ssl winrm_insecure winrm_use_ntlm ssh_interface pause_before_ssm session_manager_port skip_create_ami skip_ami_run_tags ami_block_device_mappings launch_block_device_mappings run_volume_tags run_volume_tag no_ephemeral fast_launch`,
  // hashicorp/packer-plugin-openstack 3562619c4b9c285bfa5e079b88c91f26b8e22cfe
  openstack: `username user_id password identity_endpoint tenant_id tenant_name domain_id domain_name insecure region endpoint_type cacert cert key token application_credential_name application_credential_id application_credential_secret cloud image_name metadata image_visibility image_members image_auto_accept_members image_disk_format image_tags image_min_disk skip_create_image communicator pause_before_connecting ssh_host ssh_port ssh_username ssh_password ssh_keypair_name temporary_key_pair_name temporary_key_pair_type temporary_key_pair_bits ssh_ciphers ssh_clear_authorized_keys ssh_key_exchange_algorithms ssh_private_key_file ssh_certificate_file ssh_pty ssh_timeout ssh_wait_timeout ssh_agent_auth ssh_disable_agent_forwarding ssh_handshake_attempts ssh_bastion_host ssh_bastion_port ssh_bastion_agent_auth ssh_bastion_username ssh_bastion_password ssh_bastion_interactive ssh_bastion_private_key_file ssh_bastion_certificate_file ssh_file_transfer_method ssh_proxy_host ssh_proxy_port ssh_proxy_username ssh_proxy_password ssh_keep_alive_interval ssh_read_write_timeout ssh_remote_tunnels ssh_local_tunnels ssh_public_key ssh_private_key winrm_username winrm_password winrm_host winrm_no_proxy winrm_port winrm_timeout winrm_use_ssl winrm_insecure winrm_use_ntlm ssh_interface ssh_ip_version source_image source_image_name external_source_image_url external_source_image_format external_source_image_properties source_image_filter flavor availability_zone rackconnect_wait floating_ip_network instance_floating_ip_net floating_ip reuse_ips security_groups networks ports network_discovery_cidrs user_data user_data_file instance_name instance_metadata force_delete config_drive floating_ip_pool use_blockstorage_volume volume_name volume_type volume_size volume_availability_zone openstack_provider use_floating_ip image_creation_wait`,
};

const env = { file: 't.json', path: 'builders[0]', templateDir: '/tpl' };

function check(type: string, config: Record<string, unknown>): Findings {
  const findings: Findings = { errors: [], warnings: [], sensitiveValues: [] };
  createPlugin(registry.builders.get(type)!, config, env, ['name', 'type'], findings);
  return findings;
}

/** The docs' table of these options: what bake does with each, from the plugin itself. */
function optionsTable(type: string, options: string[]): string {
  const plugin = registry.builders.get(type)!;
  const props = Object.keys((plugin.schema as { properties: object }).properties);
  const unsupported = plugin.unsupported ?? {};
  const implemented = options.filter((o) => props.includes(o));
  const others = [...options.filter((o) => !props.includes(o)), ...Object.keys(unsupported).filter((o) => !options.includes(o))];
  const verdict = (o: string) => {
    const u = unsupported[o]!;
    if (u.effect === 'warn') return 'inert: ignored with a note';
    if (u.inertWhen) return 'inert unless `communicator = "winrm"`, then refused';
    if (u.inert) return `refused, but inert (a note) when ${u.inert.map((v) => `\`${JSON.stringify(v)}\``).join(' or ')}, Packer's default, or empty`;
    return 'refused';
  };
  return [
    `<!-- generated by test/builders/packer-options.test.ts from the ${type} plugin (UPDATE_DOCS=1 npx vitest run test/builders/packer-options.test.ts) -->`,
    '',
    `Implemented (${implemented.length} of Packer's ${options.length}): ${implemented.map((o) => `\`${o}\``).join(', ')}.`,
    '',
    '| Packer option | bake | Why |',
    '| --- | --- | --- |',
    ...others.map((o) => `| \`${o}\` | ${verdict(o)} | ${unsupported[o]!.why} |`),
    '',
    '<!-- end of generated table -->',
  ].join('\n');
}

describe.each(Object.entries(packerOptions))('the %s builder', (type, list) => {
  const plugin = registry.builders.get(type)!;
  const props = Object.keys((plugin.schema as { properties: object }).properties);
  const unsupported = plugin.unsupported ?? {};

  it('takes every option Packer\'s takes: implemented, inert with a note, or refused with the reason', () => {
    const options = list.split(/\s+/);
    expect(options.filter((o) => !props.includes(o) && !Object.hasOwn(unsupported, o))).toEqual([]);
    for (const option of options) {
      const { errors, warnings } = check(type, { [option]: 'x' });
      expect([...errors, ...warnings].filter((l) => l.includes(`.${option}: unknown key`))).toEqual([]);
      if (unsupported[option]?.effect === 'error' && !unsupported[option]?.inertWhen) {
        expect(errors).toContain(`t.json: builders[0].${option}: not supported by bake's ${type} builder: ${unsupported[option]!.why}`);
      }
    }
  });

  it('has its table of Packer\'s options in its docs page, up to date', () => {
    const page = `docs/builders/${type}.md`;
    const text = readFileSync(page, 'utf8');
    const table = optionsTable(type, list.split(/\s+/));
    const current = text.match(/<!-- generated by test\/builders\/packer-options[\s\S]*?<!-- end of generated table -->/)?.[0];
    if (process.env.UPDATE_DOCS && current) writeFileSync(page, text.replace(current, table));
    else expect(current, `${page}: the table of Packer's options`).toBe(table);
  });

  it('ignores winrm_* with one note under the ssh communicator, and refuses them with WinRM', () => {
    const winrm = { winrm_username: 'vagrant', winrm_password: 'vagrant', winrm_timeout: '60m' };
    expect(check(type, { communicator: 'ssh', ...winrm }).warnings).toEqual([
      't.json: builders[0]: winrm_username, winrm_password, winrm_timeout: ignored, as the communicator is "ssh", not "winrm"',
    ]);
    expect(check(type, { communicator: 'winrm', ...winrm }).errors).toContain('t.json: builders[0]: winrm_username, winrm_password, winrm_timeout: not supported by bake\'s ' + type + ' builder: WinRM is not supported; use SSH');
  });
});

describe('options set to what changes nothing', () => {
  it('accepts skip_nat_mapping = false with a note and refuses true with the reason', () => {
    expect(check('qemu', { skip_nat_mapping: false, vtpm: false, disk_additional_size: [] }).warnings).toEqual([
      't.json: builders[0]: skip_nat_mapping, vtpm: ignored, as they are set to Packer\'s default',
      't.json: builders[0]: disk_additional_size: ignored, as it is empty',
    ]);
    // Packer's defaults for options bake has no use for (tylert's templates spell them out) are notes too, one line for all.
    expect(check('qemu', { iso_skip_cache: false, iso_target_extension: 'iso', use_default_display: false, vnc_bind_address: '127.0.0.1', vnc_port_min: '5900', vnc_port_max: 6000 }).warnings).toEqual([
      't.json: builders[0]: iso_skip_cache, iso_target_extension, use_default_display, vnc_bind_address, vnc_port_min, vnc_port_max: ignored, as they are set to Packer\'s default',
    ]);
    // Other values are ignored with one warning per reason.
    expect(check('qemu', { vnc_bind_address: '0.0.0.0', vnc_port_min: 5000, vnc_port_max: 5010, iso_skip_cache: true }).warnings).toEqual([
      't.json: builders[0]: vnc_bind_address, vnc_port_min, vnc_port_max: not supported by bake\'s qemu builder: bake always runs QEMU headless, without VNC, and types boot_command through QMP (ignored)',
      't.json: builders[0].iso_skip_cache: not supported by bake\'s qemu builder: a verified download is always reused (ignored)',
    ]);
    expect(check('qemu', { skip_nat_mapping: 'false' }).errors).toEqual([]);
    expect(check('qemu', { skip_nat_mapping: true }).errors).toEqual([
      't.json: builders[0].skip_nat_mapping: not supported by bake\'s qemu builder: bake reaches the guest through its forwarded SSH port (true only makes sense with net_bridge)',
    ]);
  });
});

describe('bento\'s qemu source, as its HCL2 gives it on a Linux host for a Debian box', () => {
  it('validates, with one note per thing bake ignores, and resolves to a UEFI install', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-bento-'));
    mkdirSync(join(dir, 'http'));
    const source = {
      type: 'qemu',
      accelerator: 'kvm',
      display: 'none',
      disk_cache: 'writeback',
      disk_compression: false,
      disk_detect_zeroes: 'unmap',
      disk_discard: 'unmap',
      disk_image: false,
      disk_interface: 'virtio-scsi',
      efi_boot: true,
      efi_firmware_code: '/usr/local/share/qemu/edk2-x86_64-code.fd',
      efi_firmware_vars: '/usr/local/share/qemu/edk2-i386-vars.fd',
      efi_drop_efivars: false,
      format: 'qcow2',
      machine_type: 'q35',
      net_device: 'virtio-net-pci',
      qemuargs: [['-device', 'virtio-gpu-pci'], ['-device', 'qemu-xhci'], ['-device', 'virtio-tablet'], ['-boot', 'strict=off']],
      use_default_display: false,
      use_pflash: true,
      boot_command: ['<wait><esc><wait>auto preseed/url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/debian/preseed.cfg<enter>'],
      boot_wait: '10s',
      cd_label: 'cidata',
      cpus: 2,
      communicator: 'ssh',
      disk_size: 65536,
      headless: true,
      http_directory: join(dir, 'http'),
      iso_checksum: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
      iso_target_path: join(dir, 'builds/iso/debian-12.11-x86_64-1a2b3c4d.iso'),
      iso_url: 'https://cdimage.debian.org/cdimage/release/current/amd64/iso-cd/debian-12.11.0-amd64-netinst.iso',
      memory: 3072,
      output_directory: join(dir, 'builds/build_files/packer-debian-12.11-x86_64-qemu'),
      pause_before_connecting: '1m',
      shutdown_command: 'echo \'vagrant\' | sudo -S /sbin/shutdown -hP now',
      shutdown_timeout: '15m',
      ssh_password: 'vagrant',
      ssh_port: 22,
      ssh_timeout: '60m',
      ssh_username: 'vagrant',
      winrm_password: 'vagrant',
      winrm_timeout: '60m',
      winrm_username: 'vagrant',
      vm_name: 'debian-12.11-x86_64',
    };
    const file = join(dir, 't.json');
    writeFileSync(file, JSON.stringify({ builders: [source] }));
    const plan = loadTemplate(file, { registry });
    expect(plan.warnings.map((w) => w.replace(file, 't.json'))).toEqual([
      't.json: builders[0].iso_target_path: not supported by bake\'s qemu builder: downloads are cached under bake\'s cache directory (ignored)',
      't.json: builders[0]: display: ignored, as headless is true',
      't.json: builders[0]: use_default_display: ignored, as it is set to Packer\'s default',
      't.json: builders[0]: winrm_password, winrm_timeout, winrm_username: ignored, as the communicator is "ssh", not "winrm"',
    ]);
    const cfg = (plan.builds[0]!.builder as QemuBuilder).cfg;
    expect(cfg.efi).toEqual({ code: '/usr/local/share/qemu/edk2-x86_64-code.fd', vars: '/usr/local/share/qemu/edk2-i386-vars.fd', dropVars: false });
    expect(cfg).toMatchObject({ machineType: 'q35', detectZeroes: 'unmap', diskInterface: 'virtio-scsi', installFromIso: true, diskSizeMiB: 65536 });
  });
});
