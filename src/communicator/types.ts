import type { Writable } from 'node:stream';
import type { VerifiedHostKey } from './host-key-verifier.js';

export interface ExecOptions {
  env?: Record<string, string>;
  /** Receives output line by line when given; otherwise output goes to the build log. */
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** Raw output streams, when bytes matter more than lines (e.g. `cat` of a file). */
  stdoutStream?: Writable;
  signal?: AbortSignal;
  /** Working directory (local communicator only; remote commands cd themselves). */
  cwd?: string;
}

export interface ExecResult {
  /** Exit code, or null when the remote end closed without one (e.g. an expected reboot). */
  exitCode: number | null;
  /** Signal name when the command was killed by one. */
  exitSignal?: string;
  /** The last lines of stderr, for error messages. */
  stderrTail: string[];
}

export interface TransferOptions {
  /** File mode to set on the destination (upload); defaults to the source's mode. */
  mode?: number;
  onProgress?: (transferred: number, total: number) => void;
  signal?: AbortSignal;
}

/** Where and how to log in to the machine, for tools that open their own SSH connections (ansible). */
export interface SshLogin {
  host: string;
  port: number;
  username: string;
  password?: string;
  /** Private key text: ssh_private_key_file's contents, or the builder's temporary key. */
  privateKey?: string;
  /** ssh-agent socket, when agent authentication is on. */
  agentSocket?: string;
  /** A known_hosts line for the host key bake accepted: a tool with its own SSH client checks the same key. */
  knownHosts?: string;
  /** Set when bake reaches the machine through a jump host. */
  bastion?: { host: string; port: number; username: string };
}

/** How provisioners reach the machine being baked: SSH for guests, the local shell for shell-local. */
export interface Communicator {
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Uploads a local file or directory tree (modes preserved). */
  upload(src: string, dest: string, options?: TransferOptions): Promise<void>;
  /** Uploads bytes to a remote file. */
  uploadData(data: Buffer | string, dest: string, options?: TransferOptions): Promise<void>;
  /** Downloads a remote file or directory tree. */
  download(src: string, dest: string, options?: TransferOptions): Promise<void>;
  /**
   * Removes files as `rm -f` would (a missing one is no error). SSH does it on its SFTP session,
   * without starting a process on the machine; without it, callers run `rm -f`.
   */
  remove?(paths: string[], options?: { signal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
  /** SSH communicators only: the login this connection uses, so a tool with its own SSH client reaches the same machine. */
  sshLogin?(): Promise<SshLogin>;
  /** SSH communicators only: the machine's host key as bake accepted it (fingerprint and how it was verified). */
  hostKey?(): VerifiedHostKey | undefined;
}
