import { randomUUID } from 'node:crypto';
import { basename, posix, resolve } from 'node:path';
import { howItEnded, shellQuote } from '../../communicator/index.js';
import type { Communicator, ExecResult } from '../../communicator/types.js';
import type { ProvisionContext } from '../../core/context.js';
import { BakeError, throwIfAborted } from '../../core/errors.js';
import type { Provisioner } from '../../plugins/types.js';
import { PlaybookWatch } from '../ansible/playbook-watch.js';
import type { AnsibleLocalConfig } from './schema.js';

const WHO = 'ansible-local provisioner';
const DEFAULT_COMMAND = 'ANSIBLE_NOCOLOR=True PYTHONUNBUFFERED=1 ansible-playbook';

/**
 * Packer's ansible-local: uploads the playbook (and its directory, roles, vars, inventory) to a
 * staging directory on the machine and runs ansible-playbook there with `-c local`. Ansible must
 * be installed on the machine (e.g. by a shell provisioner before this one).
 */
export class AnsibleLocalProvisioner implements Provisioner {
  constructor(private readonly c: AnsibleLocalConfig) {}

  async run(ctx: ProvisionContext, comm: Communicator): Promise<void> {
    const c = this.c;
    const staging = c.staging_directory ?? `/tmp/packer-provisioner-ansible-local/${randomUUID()}`;
    const clean = c.clean_staging_directory ?? c.staging_directory === undefined;
    const remote = (...parts: string[]) => posix.join(staging, ...parts);
    try {
      await this.sh(ctx, comm, `mkdir -p ${shellQuote(staging)}`, 'create the staging directory');
      const uploads: [string, string][] = [
        ...(c.playbook_dir ? [[resolve(c.playbook_dir), staging] as [string, string]] : []),
        [resolve(c.playbook_file), remote(basename(c.playbook_file))],
        ...(c.group_vars ? [[resolve(c.group_vars), remote('group_vars')] as [string, string]] : []),
        ...(c.host_vars ? [[resolve(c.host_vars), remote('host_vars')] as [string, string]] : []),
        ...(c.role_paths ?? []).map((r) => [resolve(r), remote('roles', basename(r))] as [string, string]),
        ...(c.inventory_file ? [[resolve(c.inventory_file), remote(basename(c.inventory_file))] as [string, string]] : []),
      ];
      for (const [src, dest] of uploads) {
        throwIfAborted(ctx.signal);
        ctx.log.info(`Uploading ${src} to ${dest}`);
        await comm.upload(src, dest, { signal: ctx.signal });
      }
      const inventory = c.inventory_file ? remote(basename(c.inventory_file)) : remote('bake-inventory');
      if (!c.inventory_file) {
        const groups = c.inventory_groups ?? [];
        await comm.uploadData(groups.length ? groups.map((g) => `[${g}]\n127.0.0.1\n`).join('') : '127.0.0.1\n', inventory, { signal: ctx.signal });
      }
      const vars = JSON.stringify({ packer_build_name: ctx.buildName, packer_builder_type: ctx.buildType, ...(ctx.vars.PACKER_HTTP_ADDR ? { packer_http_addr: ctx.vars.PACKER_HTTP_ADDR } : {}) });
      const args = [remote(basename(c.playbook_file)), '--extra-vars', vars, ...(c.extra_arguments ?? []), '-c', 'local', '-i', inventory];
      const command = `cd ${shellQuote(staging)} && ${c.command ?? DEFAULT_COMMAND} ${args.map(shellQuote).join(' ')}`;
      ctx.log.say(`Executing Ansible: ${command}`);
      const watch = new PlaybookWatch();
      const onLine = (line: string) => {
        watch.line(line);
        ctx.log.output(line);
      };
      const result = await comm.exec(command, { stdout: onLine, stderr: onLine, signal: ctx.signal });
      if (result.exitCode !== 0) throw failure(c.command ?? 'ansible-playbook', result, watch);
    } finally {
      if (clean && !ctx.signal.aborted) await this.sh(ctx, comm, `rm -rf ${shellQuote(staging)}`, 'remove the staging directory').catch((err: Error) => ctx.log.warn(err.message));
    }
  }

  private async sh(ctx: ProvisionContext, comm: Communicator, command: string, what: string): Promise<void> {
    const result = await comm.exec(command, { stdout: () => {}, stderr: () => {}, signal: ctx.signal });
    if (result.exitCode !== 0) throw new BakeError(`${WHO}: cannot ${what} (${command}): ${result.stderrTail.join(' | ') || `exit ${result.exitCode}`}`);
  }
}

function failure(command: string, result: ExecResult, watch: PlaybookWatch): BakeError {
  const how = howItEnded(result);
  const program = command.split(/\s+/).find((w) => !w.includes('=')) ?? command;
  const f = watch.failure;
  if (f) return new BakeError(`${WHO}: task "${f.task}" ${f.unreachable ? 'could not reach' : 'failed on'} ${f.host}: ${f.message} (${program} ${how})`);
  const tail = result.stderrTail.filter((l) => l.trim() !== '').slice(-3);
  const hint = result.exitCode === 127 ? ' (is ansible installed on the machine?)' : '';
  return new BakeError(`${WHO}: ${program} ${how}${hint}${tail.length ? `: ${tail.join(' | ')}` : ''}`);
}
