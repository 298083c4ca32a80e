import type { Communicator } from '../../communicator/index.js';
import { BakeError } from '../../core/errors.js';

/**
 * Removes the host key bake seeded, so no image made from this build carries it: the key files
 * (overwritten before being unlinked, so the blocks the image keeps do not hold the key either),
 * and cloud-init's record of this instance, whose user-data told it to keep that key and make no
 * other: the next boot runs as a new instance and makes fresh keys, as on any first boot.
 */
export const SCRUB_HOST_KEY = [
  'set -e',
  'shred -u /etc/ssh/ssh_host_*key /etc/ssh/ssh_host_*key.pub 2>/dev/null || rm -f /etc/ssh/ssh_host_*',
  'i=$(readlink -f /var/lib/cloud/instance || true)',
  'if [ -n "$i" ] && [ -d "$i" ]; then find "$i" -type f -exec shred -u {} +; rm -rf "$i" /var/lib/cloud/instance; fi',
].join('; ');

export async function scrubSeededHostKey(comm: Communicator, signal: AbortSignal): Promise<void> {
  const quoted = `'${SCRUB_HOST_KEY.replaceAll("'", `'"'"'`)}'`;
  const command = `if [ "$(id -u)" = 0 ]; then sh -c ${quoted}; else sudo -n sh -c ${quoted}; fi`;
  const result = await comm.exec(command, { signal, stdout: () => {}, stderr: () => {} });
  if (result.exitCode !== 0) {
    throw new BakeError(
      `qemu: could not remove the SSH host key bake gave the guest (exit ${result.exitCode}: ${result.stderrTail.join(' | ') || 'no output'}); the image would carry it, so it is not made. ssh_username needs passwordless sudo, as bake's seed sets up`,
    );
  }
}
