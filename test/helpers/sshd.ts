/**
 * A real OpenSSH sshd on 127.0.0.1 for tests: its own host key, config, authorized client key and
 * port, in a temp dir removed by stop(). A bastion is simply a second sshd: start two, and connect
 * to the target through the first (`ssh_bastion_*`).
 */
export { PASSWORD_USER, ensurePasswordUser, startSshd } from './sshd-launcher.mjs';
export type { SshdOptions, TestSshd } from './sshd-launcher.mjs';
