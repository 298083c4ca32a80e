import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnsibleConfig, plugin } from '../../../src/provisioners/ansible/index.js';
import { connectSsh } from '../../../src/communicator/index.js';
import { optionsFor } from '../../communicator/ssh-test-options.js';
import { makeProvisionContext, recordingBus } from '../../helpers/context.js';
import { startSshd } from '../../helpers/sshd.js';
import { sshSession } from '../../helpers/ssh-session.js';

const env = { file: 't.json', path: 'provisioners[0]', templateDir: '.' };
const create = (config: Record<string, unknown>) => plugin.create(config as AnsibleConfig, env);

/** A playbook that renders a template, notifies a handler and records the inventory it saw. */
const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    motd_text: baked by ansible
  tasks:
    - name: Render the motd
      template:
        src: motd.j2
        dest: "{{ out }}/motd"
        mode: "0644"
      notify: Note the change
    - name: Record who and where
      copy:
        content: "{{ inventory_hostname }} {{ group_names | join(',') }} {{ packer_build_name }} {{ packer_builder_type }} {{ ansible_user }}\\n"
        dest: "{{ out }}/seen"
  handlers:
    - name: Note the change
      file:
        path: "{{ out }}/handler-ran"
        state: touch
`;

const FAILING = `
- hosts: all
  gather_facts: false
  tasks:
    - name: Fine first
      command: "true"
    - name: Refuse on purpose
      fail:
        msg: the disk is full
    - name: Never reached
      command: "true"
`;

/** Processes whose command line mentions `text` (an ssh master left behind would). */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        return '';
      }
    })
    .filter((cmd) => cmd.includes(text));
}

describe('ansible provisioner against a real sshd', { timeout: 180_000 }, () => {
  const ssh = sshSession();
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bake-ansible-test-'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(join(dir, 'motd.j2'), '{{ motd_text }} on {{ inventory_hostname }}\n');
    writeFileSync(join(dir, 'fail.yml'), FAILING);
  });

  it('runs the playbook over the build key, with groups, a template and its handler, and leaves nothing behind', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bake-ansible-out-'));
    const { bus, events } = recordingBus();
    bus.addSecret('hunter2');
    const ctx = { ...makeProvisionContext({ buildName: 'web', buildType: 'null' }), log: bus.logger('web') };
    await create({
      playbook_file: join(dir, 'site.yml'),
      groups: ['web', 'edge'],
      empty_groups: ['db'],
      extra_arguments: ['-e', `out=${out}`, '-e', 'token=hunter2'],
    }).run(ctx, ssh.comm);
    expect(readFileSync(join(out, 'motd'), 'utf8')).toBe('baked by ansible on default\n');
    expect(existsSync(join(out, 'handler-ran'))).toBe(true);
    expect(readFileSync(join(out, 'seen'), 'utf8')).toBe('default edge,web web null root\n');
    const said = events.map((e) => e.text);
    const exec = said.find((t) => t.startsWith('Executing Ansible: ansible-playbook '));
    expect(exec).toContain('token=<sensitive>');
    expect(said.join('\n')).not.toContain('hunter2');
    expect(said.some((t) => t.startsWith('RUNNING HANDLER [Note the change] **'))).toBe(true);
    // The key file, inventory and control sockets lived in one temporary directory, now gone, with no ssh master left.
    const temp = /@(\S+)\/connection\.json/.exec(exec ?? '')?.[1] ?? 'missing';
    expect(temp).toMatch(/bake-ansible-/);
    expect(existsSync(temp)).toBe(false);
    expect(processesMentioning(temp)).toEqual([]);
  });

  it('checks the host key bake accepted: a machine that answers with another key is refused by ansible\'s ssh too', async () => {
    const sshd = await startSshd();
    try {
      const comm = await connectSsh(optionsFor(sshd), makeProvisionContext());
      expect((await comm.sshLogin!()).knownHosts).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey.split(' ').slice(0, 2).join(' ')}`);
      rmSync(join(sshd.dir, 'host_ed25519'));
      rmSync(join(sshd.dir, 'host_ed25519.pub'));
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sshd.dir, 'host_ed25519')], { stdio: 'ignore' });
      await sshd.restart();
      const { bus, events } = recordingBus();
      const ctx = { ...makeProvisionContext(), log: bus.logger('web') };
      await expect(create({ playbook_file: join(dir, 'site.yml'), extra_arguments: ['-e', 'out=/tmp'] }).run(ctx, comm)).rejects.toThrow(/ansible-playbook exited with 4/);
      expect(events.map((e) => e.text).join('\n')).toMatch(/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
      await comm.close();
    } finally {
      await sshd.stop();
    }
  });

  it('fails the build with the failing task name and its message', async () => {
    const ctx = makeProvisionContext();
    await expect(create({ playbook_file: join(dir, 'fail.yml') }).run(ctx, ssh.comm)).rejects.toThrow(
      'ansible provisioner: task "Refuse on purpose" failed on default: the disk is full (ansible-playbook exited with 2)',
    );
  });

  it('writes the inventory from inventory_file_template into inventory_directory and keeps it when asked', async () => {
    const invDir = mkdtempSync(join(tmpdir(), 'bake-ansible-inv-'));
    const out = mkdtempSync(join(tmpdir(), 'bake-ansible-out-'));
    const ctx = makeProvisionContext({ vars: { ID: 'i-0abc' } });
    await create({
      playbook_file: join(dir, 'site.yml'),
      host_alias: 'box',
      inventory_directory: invDir,
      keep_inventory_file: true,
      inventory_file_template: '{{ .HostAlias }} ansible_host={{ .Host }} ansible_port={{ .Port }} ansible_user={{ .User }} machine_id={{ .ID }}',
      use_proxy: true,
      extra_arguments: ['-e', `out=${out}`],
    }).run(ctx, ssh.comm);
    const kept = readdirSync(invDir);
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(invDir, kept[0]), 'utf8')).toBe(`box ansible_host=127.0.0.1 ansible_port=${ssh.sshd.port} ansible_user=root machine_id=i-0abc\n`);
    expect(readFileSync(join(out, 'seen'), 'utf8')).toBe('box ungrouped test test root\n');
    expect(ctx.events.filter((e) => e.level === 'warn').map((e) => e.text)).toEqual([
      `ansible provisioner: use_proxy is true, but bake has no SSH proxy: ansible connects straight to 127.0.0.1:${ssh.sshd.port} with the build's SSH login`,
    ]);
  });
});
