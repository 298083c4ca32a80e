import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnsibleLocalConfig, plugin } from '../../../src/provisioners/ansible-local/index.js';
import { makeProvisionContext } from '../../helpers/context.js';
import { sshSession } from '../../helpers/ssh-session.js';

const create = (config: Record<string, unknown>) => plugin.create(config as AnsibleLocalConfig, { file: 't.json', path: 'provisioners[0]', templateDir: '.' });

// The "guest" is the test sshd's host, which has ansible installed (scripts/setup-host.sh).
describe('ansible-local provisioner over a real sshd', { timeout: 180_000 }, () => {
  const ssh = sshSession();
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bake-ansible-local-'));
    mkdirSync(join(dir, 'roles', 'motd', 'tasks'), { recursive: true });
    writeFileSync(join(dir, 'roles', 'motd', 'tasks', 'main.yml'), '- name: Write the motd\n  copy:\n    content: "{{ greeting }} from {{ packer_build_name }}\\n"\n    dest: "{{ out }}/motd"\n');
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars', 'web.yml'), 'greeting: hello web\n');
    writeFileSync(
      join(dir, 'site.yml'),
      '- hosts: web\n  gather_facts: false\n  roles: [motd]\n  tasks:\n    - name: Refuse when asked\n      fail:\n        msg: refused on purpose\n      when: refuse | default(false) | bool\n',
    );
  });

  it('uploads the playbook with its roles and group_vars, runs it with -c local in the groups given, and removes the staging directory', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bake-ansible-local-out-'));
    const staging = join(mkdtempSync(join(tmpdir(), 'bake-staging-')), 'stage');
    const ctx = makeProvisionContext({ buildName: 'web', buildType: 'null' });
    await create({
      playbook_file: join(dir, 'site.yml'),
      role_paths: [join(dir, 'roles', 'motd')],
      group_vars: join(dir, 'group_vars'),
      inventory_groups: ['web'],
      staging_directory: staging,
      clean_staging_directory: true,
      extra_arguments: ['-e', `out=${out}`],
    }).run(ctx, ssh.comm);
    expect(readFileSync(join(out, 'motd'), 'utf8')).toBe('hello web from web\n');
    expect(existsSync(staging)).toBe(false);
  });

  it('fails with the failing task name and message', async () => {
    await expect(
      create({ playbook_file: join(dir, 'site.yml'), playbook_dir: dir, inventory_groups: ['web'], extra_arguments: ['-e', 'refuse=true', '-e', `out=${dir}`] }).run(makeProvisionContext(), ssh.comm),
    ).rejects.toThrow('ansible-local provisioner: task "Refuse when asked" failed on 127.0.0.1: refused on purpose (ansible-playbook exited with 2)');
  });
});
