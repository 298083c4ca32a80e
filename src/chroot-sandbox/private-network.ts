import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { BakeError } from '../core/errors.js';
import { sleep } from '../core/wait.js';
import type { Holder } from './sandbox.js';

const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const READY_MS = 10_000;

/**
 * Destinations the private network never reaches, though pasta would connect to them from the host:
 * the instance metadata services (AWS, GCP, Azure, OpenStack: 169.254.169.254 and the rest of
 * link-local IPv4; AWS's IPv6 one) and every address of this host, whose services bound to all
 * addresses would otherwise answer. The host's loopback is never reached: pasta forwards nothing
 * to it (below).
 */
export function blockedDestinations(interfaces = networkInterfaces()): string[] {
  const host = Object.values(interfaces)
    .flat()
    .filter((a) => a && !a.internal && !(a.family === 'IPv6' && a.scopeid))
    .map((a) => `${a!.address}/${a!.family === 'IPv4' ? 32 : 128}`);
  return ['169.254.0.0/16', 'fd00:ec2::254/128', ...new Set(host)];
}

/**
 * chroot_network "private": the holder's own network namespace gets outbound access only, through
 * pasta (Debian's passt package), a user-mode network stack that makes each connection of the
 * namespace as an ordinary socket of the host. pasta copies the host's address and routes into the
 * namespace; `-T none -U none` forwards none of the namespace's loopback ports to the host's, `-t
 * none -u none` forwards nothing in, and `--no-map-gw` keeps the gateway address from meaning the
 * host. Routes that refuse blockedDestinations() go in before anything of the image runs; the
 * sandbox lacks CAP_NET_ADMIN to remove them.
 *
 * pasta drops to nobody when started as root, and nobody cannot join a namespace root made: it runs
 * as root instead (`--runas 0:0`; it keeps only CAP_SYS_ADMIN and CAP_NET_BIND_SERVICE, in a mount
 * namespace of its own, under its own seccomp filter) and is handed the namespace as a file
 * descriptor bake opened, as it may not open /proc/<holder>/ns/net itself once it dropped its other
 * capabilities. It runs inside the holder's PID namespace, so the kernel ends it with the build even
 * after a `kill -9` of bake.
 */
export async function startPrivateNetwork(holder: Holder): Promise<void> {
  const netns = openSync(`/proc/${holder.pid}/ns/net`, 'r');
  const argv = [
    '-t', String(holder.pid), '--pid', '--', 'pasta', '--runas', '0:0', '--config-net', '--netns', '/proc/self/fd/3',
    '--no-map-gw', '-T', 'none', '-U', 'none', '-t', 'none', '-u', 'none', '--foreground', '--quiet', '--stderr',
  ];
  const pasta = spawn('nsenter', argv, { stdio: ['ignore', 'ignore', 'pipe', netns], env: { PATH: HOST_PATH }, detached: true });
  closeSync(netns);
  let err = '';
  pasta.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4096)));
  let failed: string | undefined;
  pasta.once('error', (e) => (failed = e.message));
  pasta.once('exit', (code, sig) => (failed ??= `it exited with ${code ?? sig}`));
  const why = () => {
    const said = err.split('\n').filter((l) => l.trim() && !/^Failed to send .* to syslog/.test(l)).slice(-2).join(' | ');
    const missing = /No such file|ENOENT|exec.*pasta/i.test(said + (failed ?? '')) ? ' (install Debian\'s passt package)' : '';
    return `${said || failed || `no default route within ${READY_MS / 1000} s`}${missing}`;
  };
  for (let waited = 0; !hasDefaultRoute(holder.pid); waited += 50) {
    if (failed !== undefined || waited >= READY_MS) {
      pasta.kill('SIGKILL');
      throw new BakeError(`chroot: chroot_network "private": pasta could not set up the build's network: ${why()}`);
    }
    await sleep(50);
  }
  // Once set up, pasta lives as long as the holder's PID namespace: bake need not wait for it, but
  // goes on reading what it says (a closed pipe would kill it with SIGPIPE at its next warning).
  (pasta.stderr as Socket).unref();
  pasta.unref();
  const [v4, v6] = [false, true].map((six) => blockedDestinations().filter((d) => d.includes(':') === six).map((d) => `route add prohibit ${d}\n`).join(''));
  await holder.run(['ip', '-force', '-batch', '-'], { input: v4 }).catch((e: Error) => {
    throw new BakeError(`chroot: chroot_network "private": cannot refuse the host's own addresses and the metadata service: ${e.message}`);
  });
  // A namespace without IPv6 (switched off on this host) needs no IPv6 route: nothing goes out that way.
  await holder.run(['ip', '-force', '-batch', '-'], { input: v6 }).catch(() => {});
}

function hasDefaultRoute(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/net/route`, 'utf8').split('\n').slice(1).some((l) => l.split('\t')[1] === '00000000');
  } catch {
    return false;
  }
}
