import type { FromSchema } from 'json-schema-to-ts';
import { bool, duration, int, oneOfStrings, port, str, stringList } from '../plugins/schema-helpers.js';

/**
 * The communicator options every SSH-using builder accepts, with Packer's names. Builders spread
 * `sshConfigProperties` into their own schema's `properties`.
 */
export const sshConfigProperties = {
  communicator: oneOfStrings(['ssh', 'none'] as const, 'How to reach the machine: "ssh", or "none" for no connection (shell-local still runs; remote provisioners fail saying why).', 'ssh'),
  ssh_host: str('Address to connect to; builders fill it in from the machine they started unless given.'),
  ssh_port: port('SSH port (default 22).'),
  ssh_username: str('User to log in as.'),
  ssh_password: str('Password for password or keyboard-interactive authentication.'),
  ssh_private_key_file: str('Path of a private key file (OpenSSH or PEM format).'),
  ssh_agent_auth: bool('Authenticate with the keys of the running ssh-agent (SSH_AUTH_SOCK).'),
  ssh_timeout: duration('How long to keep trying to connect before giving up.', '5m'),
  ssh_handshake_attempts: int('How many times an SSH handshake may fail (the port answers but SSH does not) before giving up.', 10, 1),
  ssh_keep_alive_interval: duration('Interval between keep-alive messages; "0s" disables them.', '5s'),
  ssh_read_write_timeout: duration('Fail a session that sees no traffic for this long; "0s" disables.'),
  ssh_pty: bool('Request a pseudo-terminal for commands.'),
  ssh_disable_agent_forwarding: bool('Do not forward the local ssh-agent.'),
  ssh_ciphers: stringList('Allowed ciphers, in order of preference.'),
  ssh_key_exchange_algorithms: stringList('Allowed key exchange algorithms, in order of preference.'),
  ssh_bastion_host: str('Jump host to connect through.'),
  ssh_bastion_port: port('Jump host port (default 22).'),
  ssh_bastion_username: str('User on the jump host.'),
  ssh_bastion_password: str('Password on the jump host.'),
  ssh_bastion_private_key_file: str('Private key for the jump host.'),
  ssh_bastion_agent_auth: bool('Use ssh-agent keys for the jump host.'),
  pause_before_connecting: duration('Wait this long after the machine is up before the first connection attempt.'),
  ssh_clear_authorized_keys: bool('Remove the temporary key from ~/.ssh/authorized_keys before the image is made.'),
  ssh_file_transfer_method: oneOfStrings(['sftp', 'scp'] as const, 'File transfer protocol (bake always uses SFTP; "scp" is accepted for compatibility).'),
} as const;

/** Packer communicator options bake recognises but does not implement. */
export const sshUnsupported = {
  ssh_proxy_host: { effect: 'error', why: 'SOCKS proxies are not supported; use ssh_bastion_host' },
  ssh_proxy_port: { effect: 'error', why: 'SOCKS proxies are not supported; use ssh_bastion_host' },
  ssh_proxy_username: { effect: 'error', why: 'SOCKS proxies are not supported; use ssh_bastion_host' },
  ssh_proxy_password: { effect: 'error', why: 'SOCKS proxies are not supported; use ssh_bastion_host' },
  ssh_certificate_file: { effect: 'error', why: 'SSH certificates are not supported yet' },
  ssh_local_tunnels: { effect: 'error', why: 'tunnels are not supported yet' },
  ssh_remote_tunnels: { effect: 'error', why: 'tunnels are not supported yet' },
  ssh_bastion_interactive: { effect: 'error', why: 'interactive bastion login is not supported', inert: [false] },
  ssh_bastion_certificate_file: { effect: 'error', why: 'SSH certificates are not supported yet' },
  ssh_wait_timeout: { effect: 'warn', why: 'old name of ssh_timeout; use ssh_timeout' },
  ssh_keypair_name: { effect: 'warn', why: 'only meaningful for cloud builders' },
  ssh_temporary_key_pair_type: { effect: 'warn', why: 'bake always makes ed25519 temporary keys' },
  ssh_temporary_key_pair_bits: { effect: 'warn', why: 'bake always makes ed25519 temporary keys' },
  temporary_key_pair_type: { effect: 'warn', why: 'bake always makes ed25519 temporary keys' },
  temporary_key_pair_bits: { effect: 'warn', why: 'bake always makes ed25519 temporary keys' },
  // Undocumented fields where Packer keeps the key it generated; a template has no reason to set them.
  ssh_public_key: { effect: 'error', why: 'Packer\'s internal copy of the temporary key; give ssh_private_key_file' },
  ssh_private_key: { effect: 'error', why: 'Packer\'s internal copy of the temporary key; give ssh_private_key_file' },
} as const;

const sshConfigSchema = { type: 'object', properties: sshConfigProperties } as const;

/** The communicator part of a builder config, as the template gives it (after defaults). */
export type SshConfigInput = FromSchema<typeof sshConfigSchema>;
