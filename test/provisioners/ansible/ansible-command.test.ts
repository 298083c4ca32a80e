import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnsibleConfig, plugin } from '../../../src/provisioners/ansible/index.js';
import { makeProvisionContext } from '../../helpers/context.js';
import { sshSession } from '../../helpers/ssh-session.js';

const create = (config: Record<string, unknown>) => plugin.create(config as AnsibleConfig, { file: 't.json', path: 'provisioners[0]', templateDir: '.' });

/**
 * What bake hands ansible-playbook and ansible-galaxy, seen by stand-in programs that record their
 * arguments, environment and the key file's mode (the real ansible runs in ansible-ssh.test.ts).
 */
describe('ansible provisioner: the commands it runs', () => {
  const ssh = sshSession();
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bake-ansible-cmd-'));
    const recorder = (name: string) => {
      const path = join(dir, name);
      writeFileSync(
        path,
        `#!/bin/sh\n{ printf '%s\\n' "$@"; echo "ROLES=$ANSIBLE_ROLES_PATH COLLECTIONS=$ANSIBLE_COLLECTIONS_PATHS HKC=$ANSIBLE_HOST_KEY_CHECKING MINE=$MINE"; ` +
          `for a in "$@"; do case "$a" in @*) f="\${a#@}"; echo "vars-mode=$(stat -c %a "$f")"; key=$(sed -n 's/.*"ansible_ssh_private_key_file":"\\([^"]*\\)".*/\\1/p' "$f"); echo "key-mode=$(stat -c %a "$key")"; head -1 "$key";; esac; done; } >> ${dir}/${name}.log\n`,
      );
      chmodSync(path, 0o755);
      return path;
    };
    recorder('fake-playbook');
    recorder('fake-galaxy');
    writeFileSync(join(dir, 'requirements.yml'), 'roles:\n  - name: geerlingguy.nginx\ncollections:\n  - community.general\n');
  });

  it('installs galaxy roles and collections, then runs the playbook with the build variables, the key in a 0600 file and extra_arguments last', async () => {
    await create({
      playbook_file: join(dir, 'site.yml'),
      command: join(dir, 'fake-playbook'),
      galaxy_file: join(dir, 'requirements.yml'),
      galaxy_command: join(dir, 'fake-galaxy'),
      galaxy_force_install: true,
      roles_path: join(dir, 'roles'),
      collections_path: join(dir, 'collections'),
      ansible_env_vars: ['MINE=yes', 'ANSIBLE_HOST_KEY_CHECKING=True'],
      extra_arguments: ['-v'],
    }).run(makeProvisionContext({ buildName: 'web', buildType: 'amazon-ebs' }), ssh.comm);
    const env = `ROLES=${dir}/roles COLLECTIONS=${dir}/collections HKC=True MINE=yes`;
    expect(readFileSync(join(dir, 'fake-galaxy.log'), 'utf8').split('\n')).toEqual([
      ...['install', '-r', `${dir}/requirements.yml`, '-f', '-p', `${dir}/roles`, env],
      ...['collection', 'install', '-r', `${dir}/requirements.yml`, '-f', '-p', `${dir}/collections`, env],
      '',
    ]);
    const lines = readFileSync(join(dir, 'fake-playbook.log'), 'utf8').split('\n');
    const vars = lines[3].slice(1);
    expect(lines).toEqual([
      '-e',
      '{"packer_build_name":"web","packer_builder_type":"amazon-ebs"}',
      '-e',
      `@${vars}`,
      '--ssh-extra-args',
      '-o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null',
      '-v',
      '-i',
      expect.stringMatching(/bake-ansible-inventory-[0-9a-f]{8}$/),
      `${dir}/site.yml`,
      env,
      'vars-mode=600',
      'key-mode=600',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      '',
    ]);
  });

  it('says how to get ansible when the command is missing, and refuses a machine without SSH', async () => {
    await expect(create({ playbook_file: 'site.yml', command: 'no-such-ansible-playbook' }).run(makeProvisionContext(), ssh.comm)).rejects.toThrow(
      'ansible provisioner: cannot run "no-such-ansible-playbook": not found (install ansible, e.g. "apt-get install ansible-core", or set command)',
    );
    const { NoCommunicator } = await import('../../../src/communicator/index.js');
    await expect(create({ playbook_file: 'site.yml' }).run(makeProvisionContext(), new NoCommunicator('none'))).rejects.toThrow(
      'ansible provisioner: t.json: provisioners[0]: ansible logs in over SSH, and this build has no SSH connection to the machine (its communicator is "none"); set the communicator to "ssh", or use the ansible-local provisioner',
    );
    await expect(create({ playbook_file: 'site.yml' }).run(makeProvisionContext({ buildType: 'chroot' }), new NoCommunicator('none'))).rejects.toThrow(
      'ansible provisioner: t.json: provisioners[0]: ansible logs in over SSH, and a chroot build has no SSH connection (its commands run inside the image directly); use the ansible-local provisioner, which runs ansible inside the image',
    );
  });
});
