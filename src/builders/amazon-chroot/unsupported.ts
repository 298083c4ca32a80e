import type { Unsupported } from '../../plugins/types.js';

const noInstance = (why: string) => ({ effect: 'warn', why }) as const;
const refused = (why: string) => ({ effect: 'error', why }) as const;

/** Packer amazon-chroot options that mean nothing here, or that bake does not do. */
export const amazonChrootUnsupported: Unsupported = {
  ...Object.fromEntries(
    ['ssh_username', 'ssh_password', 'ssh_private_key_file', 'ssh_timeout', 'communicator', 'instance_type', 'subnet_id', 'security_group_id', 'security_group_ids', 'associate_public_ip_address'].map(
      (k) => [k, noInstance('amazon-chroot launches no instance and uses no SSH: the build host provisions the volume in a chroot')] as const,
    ),
  ),
  manual_mount_command: refused('bake mounts the volume inside the build\'s private namespace, which a host mount command would not see; use mount_options or pre_mount_commands'),
  ami_product_codes: refused('product codes are not supported yet'),
  deprecate_at: refused('AMI deprecation is not supported yet'),
  skip_save_build_region: refused('not supported yet: the AMI is always kept in the build region'),
};
