import type { SshConfigInput } from '../../src/communicator/ssh-config.js';
import { resolveSshConfig, type SshOptions } from '../../src/communicator/ssh-options.js';
import type { TestSshd } from '../helpers/sshd.js';

/** Resolved options for logging in to a test sshd as root with its client key. */
export function optionsFor(sshd: TestSshd, input: SshConfigInput = {}): SshOptions {
  return resolveSshConfig(
    { ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '10s', ...input },
    { host: sshd.host, port: sshd.port, username: sshd.username },
    { file: 't.json', path: 'builders[0]', templateDir: process.cwd() },
  );
}
