import type { FromSchema } from 'json-schema-to-ts';
import { bool, str, stringList } from '../../plugins/schema-helpers.js';

/** Packer's `ansible` (remote) provisioner options that bake implements, with Packer's names and defaults. */
export const ansibleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['playbook_file'],
  properties: {
    playbook_file: str('Local playbook to run; relative paths are relative to the working directory.'),
    command: str('Program that runs the playbook (a path or a name on PATH), called with the arguments bake builds.', 'ansible-playbook'),
    extra_arguments: stringList('Extra arguments for ansible-playbook, e.g. ["-e", "role=web", "-vv"].'),
    ansible_env_vars: stringList('Environment for ansible-playbook as "KEY=value", e.g. "ANSIBLE_NOCOLOR=True".'),
    ansible_ssh_extra_args: stringList('Replaces bake\'s --ssh-extra-args ("-o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null").'),
    host_alias: str('Name of the machine in the generated inventory.', 'default'),
    user: str('ansible_user in the generated inventory; default the build\'s SSH user (with use_proxy, Packer always logs in as that user).'),
    groups: stringList('Inventory groups the machine is put in.'),
    empty_groups: stringList('Inventory groups written with no machine in them.'),
    inventory_file: str('An existing inventory to use instead of the generated one.'),
    inventory_directory: str('Directory the generated inventory is written to (default a temporary directory).'),
    inventory_file_template: str(
      'Template of the generated inventory: {{ .HostAlias }}, {{ .Host }}, {{ .Port }}, {{ .User }}, {{ .ID }}. Default "{{ .HostAlias }} ansible_host={{ .Host }} ansible_user={{ .User }} ansible_port={{ .Port }}".',
    ),
    keep_inventory_file: bool('Leave the generated inventory in place after the run.', false),
    galaxy_file: str('Requirements file installed with ansible-galaxy (roles and/or collections) before the playbook runs.'),
    galaxy_command: str('Program that installs galaxy_file.', 'ansible-galaxy'),
    galaxy_force_install: bool('Reinstall roles and collections already present (ansible-galaxy -f).', false),
    roles_path: str('Where galaxy roles are installed (ansible-galaxy -p); also given to the playbook as ANSIBLE_ROLES_PATH.'),
    collections_path: str('Where galaxy collections are installed (-p); also given to the playbook as ANSIBLE_COLLECTIONS_PATHS.'),
    use_proxy: bool(
      'Packer tunnels ansible through an SSH proxy inside Packer; bake has none and always connects ansible straight to the machine with the build\'s credentials (true is accepted with a warning).',
    ),
    skip_version_check: bool('Accepted for Packer templates; bake never runs a separate version check.', false),
  },
} as const;

export type AnsibleConfig = FromSchema<typeof ansibleSchema>;

const proxyOnly = 'only configures the SSH proxy Packer runs for ansible; bake connects ansible straight to the machine';

/** Packer options bake recognises for ansible but does not implement. */
export const ansibleUnsupported = {
  local_port: { effect: 'warn', why: proxyOnly },
  ssh_host_key_file: { effect: 'warn', why: proxyOnly },
  ssh_authorized_key_file: { effect: 'warn', why: proxyOnly },
  sftp_command: { effect: 'warn', why: proxyOnly },
  use_sftp: { effect: 'warn', why: `${proxyOnly}; ansible picks sftp or scp itself (ANSIBLE_SCP_IF_SSH in ansible_env_vars)` },
  adapter_key_type: { effect: 'warn', why: proxyOnly },
  winrm_use_http: { effect: 'warn', why: 'bake has no WinRM communicator' },
} as const;
