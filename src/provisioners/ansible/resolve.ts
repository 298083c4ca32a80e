import { resolve as resolvePath } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { PluginEnv } from '../../plugins/types.js';
import type { AnsibleConfig } from './schema.js';

export const DEFAULT_INVENTORY_TEMPLATE = '{{ .HostAlias }} ansible_host={{ .Host }} ansible_user={{ .User }} ansible_port={{ .Port }}';
export const DEFAULT_SSH_EXTRA_ARGS = ['-o IdentitiesOnly=yes', '-o UserKnownHostsFile=/dev/null'];

export interface ResolvedAnsible {
  /** "t.json: provisioners[0]", for messages. */
  where: string;
  /** Absolute path of the playbook. */
  playbook: string;
  command: string;
  extraArguments: string[];
  env: Record<string, string>;
  sshExtraArgs: string[];
  hostAlias: string;
  user?: string;
  groups: string[];
  emptyGroups: string[];
  inventoryFile?: string;
  inventoryDirectory?: string;
  inventoryTemplate: string;
  keepInventoryFile: boolean;
  galaxy?: { file: string; command: string; force: boolean };
  rolesPath?: string;
  collectionsPath?: string;
  /** use_proxy as the template gave it: true earns a warning, bake connects straight either way. */
  useProxy?: boolean;
}

/** Paths are relative to the working directory, as in Packer; env entries must be KEY=value. */
export function resolveAnsible(c: AnsibleConfig, env: PluginEnv): ResolvedAnsible {
  const where = `${env.file}: ${env.path}`;
  const abs = (p: string | undefined) => (p ? resolvePath(p) : undefined);
  const vars: Record<string, string> = {};
  (c.ansible_env_vars ?? []).forEach((entry, i) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`${where}.ansible_env_vars[${i}]: expected "KEY=value", got ${JSON.stringify(entry)}`);
    vars[entry.slice(0, eq)] = entry.slice(eq + 1);
  });
  const rolesPath = abs(c.roles_path);
  const collectionsPath = abs(c.collections_path);
  const inventoryFile = abs(c.inventory_file);
  const inventoryDirectory = abs(c.inventory_directory);
  return {
    where,
    playbook: resolvePath(c.playbook_file),
    command: c.command ?? 'ansible-playbook',
    extraArguments: c.extra_arguments ?? [],
    env: vars,
    sshExtraArgs: c.ansible_ssh_extra_args ?? DEFAULT_SSH_EXTRA_ARGS,
    hostAlias: c.host_alias ?? 'default',
    ...(c.user ? { user: c.user } : {}),
    groups: c.groups ?? [],
    emptyGroups: c.empty_groups ?? [],
    ...(inventoryFile ? { inventoryFile } : {}),
    ...(inventoryDirectory ? { inventoryDirectory } : {}),
    inventoryTemplate: c.inventory_file_template ?? DEFAULT_INVENTORY_TEMPLATE,
    keepInventoryFile: c.keep_inventory_file ?? false,
    ...(c.galaxy_file ? { galaxy: { file: resolvePath(c.galaxy_file), command: c.galaxy_command ?? 'ansible-galaxy', force: c.galaxy_force_install ?? false } } : {}),
    ...(rolesPath ? { rolesPath } : {}),
    ...(collectionsPath ? { collectionsPath } : {}),
    ...(c.use_proxy !== undefined ? { useProxy: c.use_proxy } : {}),
  };
}
