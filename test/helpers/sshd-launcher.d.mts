export interface SshdOptions {
  /** Enable password authentication and make sure the dedicated `bake-test` user exists. */
  password?: boolean;
  /** Offer only keyboard-interactive (through PAM) for the `bake-test` user's password. */
  keyboardInteractive?: boolean;
  /** Extra public keys accepted for every user. */
  authorizedKeys?: string[];
  /** Extra sshd_config lines. */
  extraConfig?: string[];
  /** A fixed port instead of a free one. */
  port?: number;
}

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  /** root: tests and CI run as root. */
  username: string;
  privateKeyPath: string;
  privateKey: string;
  publicKey: string;
  /** The server's host key, "ssh-ed25519 AAAA… bake-test-host" (its private half is dir/host_ed25519). */
  hostPublicKey: string;
  dir: string;
  /** Set when started with `password: true`. */
  passwordLogin?: { username: string; password: string };
  /** What sshd printed so far (it runs with -e). */
  log(): string;
  dropConnections(): void;
  restart(downForMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const PASSWORD_USER: string;
export function ensurePasswordUser(): { username: string; password: string };
export function startSshd(options?: SshdOptions): Promise<TestSshd>;
