import type { FromSchema } from 'json-schema-to-ts';
import { bool, str, stringList } from '../../plugins/schema-helpers.js';

/** Packer's `ansible-local` options bake implements: the playbook runs on the machine itself. */
export const ansibleLocalSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['playbook_file'],
  properties: {
    playbook_file: str('Local playbook, uploaded to the staging directory and run there.'),
    playbook_dir: str('Local directory uploaded whole to the staging directory first (roles, vars, templates).'),
    command: str('Command that runs the playbook on the machine (through its shell).', 'ANSIBLE_NOCOLOR=True PYTHONUNBUFFERED=1 ansible-playbook'),
    extra_arguments: stringList('Extra arguments for ansible-playbook, e.g. ["-e", "role=web", "-v"].'),
    inventory_groups: stringList('Groups 127.0.0.1 is put in, in the generated inventory.'),
    inventory_file: str('Local inventory uploaded and used instead of the generated one.'),
    group_vars: str('Local directory uploaded as group_vars next to the playbook.'),
    host_vars: str('Local directory uploaded as host_vars next to the playbook.'),
    role_paths: stringList('Local role directories uploaded to roles/<name> next to the playbook.'),
    staging_directory: str('Directory on the machine the files are uploaded to (default a new one under /tmp/packer-provisioner-ansible-local).'),
    clean_staging_directory: bool('Remove the staging directory afterwards (default true for bake\'s own directory, false for a given staging_directory, as in Packer).'),
  },
} as const;

export type AnsibleLocalConfig = FromSchema<typeof ansibleLocalSchema>;

/** Packer options bake recognises for ansible-local but does not implement. */
export const ansibleLocalUnsupported = {
  playbook_files: { effect: 'error', why: 'not implemented yet; use one playbook_file that imports the others' },
  playbook_paths: { effect: 'error', why: 'not implemented yet; put the files in playbook_dir' },
  galaxy_file: { effect: 'error', why: 'not implemented yet; install roles into playbook_dir or role_paths before the build' },
  galaxy_command: { effect: 'warn', why: 'galaxy_file is not implemented' },
} as const;
