/** Small packages whose .debs are kept in the image's apt cache, so installs work offline. */
export const OFFLINE_PACKAGES: readonly string[];
/** The Debian mirror this machine's apt uses, read from its sources (never a hard-coded host). */
export function hostMirror(): string;
/** Builds (or finds) the cached root filesystem tarball; atomic, so a killed build leaves nothing half-made. */
export function ensureRootfs(): string;
export interface DebianSystem {
  /** The extracted root filesystem on the host, for assertions on the guest's files. */
  root: string;
  host: string;
  port: number;
  username: string;
  privateKey: string;
  privateKeyPath: string;
  /** Runs a command inside the chroot (not over SSH), for test assertions. */
  run(command: string): string;
  stop(): Promise<void>;
}

export interface DebianSystemOptions {
  /** Boot a real systemd as PID 1 (sshd runs as its ssh.service), so services really start and restart. */
  boot?: boolean;
}
/** Extracts a fresh copy of the cached rootfs and starts its sshd, alone in a chroot or under a booted systemd. */
export function startDebianSystem(options?: DebianSystemOptions): Promise<DebianSystem>;
