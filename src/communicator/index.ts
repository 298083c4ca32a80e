export type { Communicator, ExecOptions, ExecResult, SshLogin, TransferOptions } from './types.js';
export { connectSsh } from './connect-ssh.js';
export { removeAuthorizedKey } from './authorized-keys.js';
export { generateEd25519KeyPair, type KeyPair } from './keys.js';
export { resolveSshConfig, type SshConfigEnv, type SshDefaults, type SshEndpoint, type SshOptions } from './ssh-options.js';
export { sshConfigProperties, sshUnsupported, type SshConfigInput } from './ssh-config.js';
export { shellQuote } from './shell-env.js';
export { NoCommunicator } from './none.js';
export { slowAesPeerCiphers } from './ssh-algorithms.js';
