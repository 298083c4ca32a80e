// Plain ESM JavaScript so bench/*.mjs can import it without a build; debian-rootfs.ts gives it types.
/**
 * A disposable, real Debian 12 system for tests: a root filesystem built once with mmdebstrap
 * (cached by recipe hash), extracted fresh per test run, with its own sshd started inside a
 * private mount + pid namespace and chroot on a free loopback port. Everything mounted lives in
 * that namespace, so killing its first process unmounts it all.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.mjs';

/** Small packages whose .debs are kept in the image's apt cache, so installs work offline. */
export const OFFLINE_PACKAGES = ['hello', 'tree'];

const INCLUDE = ['openssh-server', 'sudo', 'systemd', 'passwd', 'procps'];

/**
 * The Debian mirror: BAKE_DEBIAN_MIRROR, else the one this machine's apt uses, read from its
 * sources (never a hard-coded host).
 */
export function hostMirror() {
  if (process.env.BAKE_DEBIAN_MIRROR) return process.env.BAKE_DEBIAN_MIRROR.replace(/\/$/, '');
  const dir = '/etc/apt/sources.list.d';
  const texts = [];
  if (existsSync('/etc/apt/sources.list')) texts.push(readFileSync('/etc/apt/sources.list', 'utf8'));
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sources') || n.endsWith('.list'))) {
      texts.push(readFileSync(join(dir, f), 'utf8'));
    }
  }
  for (const text of texts) {
    const deb822 = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text);
    if (deb822) return deb822[1];
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+bookworm\b/m.exec(text);
    if (oneLine) return oneLine[1];
  }
  throw new Error('no Debian mirror found in /etc/apt/sources.list*: set BAKE_DEBIAN_MIRROR to a Debian mirror URL (ending in /debian)');
}

function cacheDir() {
  if (process.env.BAKE_CACHE_DIR) return process.env.BAKE_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bake');
}

function recipe(mirror) {
  return [
    '--variant=minbase',
    `--include=${INCLUDE.join(',')}`,
    '--skip=cleanup/apt/lists,cleanup/apt/cache',
    `--customize-hook=chroot "$1" apt-get clean`,
    `--customize-hook=chroot "$1" apt-get install --download-only -y ${OFFLINE_PACKAGES.join(' ')}`,
    'bookworm',
    '__OUT__',
    `deb ${mirror} bookworm main`,
  ];
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds (or finds) the cached root filesystem tarball. Atomic, so a killed build leaves nothing
 * half-made; and locked, so test files starting together on a fresh machine build it once.
 */
export function ensureRootfs() {
  const args = recipe(hostMirror());
  const hash = createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 16);
  const dir = join(cacheDir(), 'rootfs');
  const tar = join(dir, `debian12-${hash}.tar`);
  const lock = `${tar}.lock`;
  mkdirSync(dir, { recursive: true });
  for (const deadline = Date.now() + 15 * 60_000; !existsSync(tar); pause(500)) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      const owner = Number(readFileSync(lock, 'utf8'));
      if (owner && !alive(owner)) rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for process ${owner} to build ${tar}`);
      continue;
    }
    const partial = `${tar}.partial-${process.pid}.tar`;
    try {
      if (!existsSync(tar)) {
        execFileSync('mmdebstrap', args.map((a) => (a === '__OUT__' ? partial : a)), { stdio: ['ignore', 'ignore', 'pipe'] });
        renameSync(partial, tar);
      }
    } finally {
      rmSync(partial, { force: true });
      rmSync(lock, { force: true });
    }
  }
  return tar;
}


async function waitForPort(port, child, stderr) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd in the Debian chroot exited: ${stderr()}`);
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd in the Debian chroot did not answer on port ${port}: ${stderr()}`);
}

function childPids(pid) {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function waitForPortClosed(port) {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (!open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Units that would reach for the host's consoles or devices, or fail without hardware. */
const MASKED = ['getty@tty1', 'console-getty', 'serial-getty@ttyS0', 'systemd-udevd', 'systemd-udev-trigger', 'e2scrub_reap'];

/** The namespace script of the plain mode: sshd alone, as the chroot's only process. */
function sshdScript(root, port) {
  const sshd = [
    '/usr/sbin/sshd -D -e',
    `-p ${port} -o ListenAddress=127.0.0.1 -h /etc/ssh/test_host_key`,
    '-o UsePAM=no -o PermitRootLogin=prohibit-password -o StrictModes=no -o MaxSessions=50 -o MaxStartups=50',
  ].join(' ');
  return [
    'set -e',
    `mount -t proc proc '${root}/proc'`,
    `mount --rbind /dev '${root}/dev'`,
    `mount -t tmpfs tmpfs '${root}/run' && mkdir -p '${root}/run/sshd'`,
    `exec chroot '${root}' ${sshd}`,
  ].join('\n');
}

/**
 * The namespace script of the booted mode: systemd as PID 1 (in its own cgroup namespace, with a
 * read-only /sys, as a container manager would start it), and sshd as its ssh.service.
 */
function bootScript(root, port) {
  writeFileSync(
    join(root, 'etc/ssh/sshd_config.d/bake-test.conf'),
    [`Port ${port}`, 'ListenAddress 127.0.0.1', 'HostKey /etc/ssh/test_host_key', 'UsePAM no', 'PermitRootLogin prohibit-password', 'StrictModes no', 'MaxSessions 50', 'MaxStartups 50', ''].join('\n'),
  );
  for (const unit of MASKED) symlinkSync('/dev/null', join(root, `etc/systemd/system/${unit}.service`));
  return [
    'set -e',
    `mount -t proc proc '${root}/proc'`,
    `mount -t sysfs -o ro sysfs '${root}/sys'`,
    `mount -t tmpfs tmpfs '${root}/sys/fs/cgroup' && mkdir '${root}/sys/fs/cgroup/systemd'`,
    `mount -t cgroup -o none,name=systemd cgroup '${root}/sys/fs/cgroup/systemd'`,
    `mount --rbind /dev '${root}/dev'`,
    `mount -t tmpfs tmpfs '${root}/run'`,
    `exec env container=bake chroot '${root}' /lib/systemd/systemd --system`,
  ].join('\n');
}

/**
 * Extracts a fresh copy of the cached rootfs and starts its sshd: alone in a chroot, or with
 * `boot: true` under a real systemd booted as PID 1, so services really start, stop and restart.
 */
export async function startDebianSystem(options = {}) {
  const tar = ensureRootfs();
  const work = mkdtempSync(join(tmpdir(), 'bake-debian-'));
  const root = join(work, 'root');
  mkdirSync(root);
  execFileSync('tar', ['-xf', tar, '-C', root, '--numeric-owner']);
  const keyPath = join(work, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'etc/ssh/test_host_key')]);
  mkdirSync(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(join(root, 'root/.ssh/authorized_keys'), readFileSync(`${keyPath}.pub`), { mode: 0o600 });
  mkdirSync(join(root, 'run/sshd'), { recursive: true });
  const port = await freePort();
  const script = options.boot ? bootScript(root, port) : sshdScript(root, port);
  const flags = ['--mount', '--pid', '--fork', '--kill-child', '--propagation', 'private', ...(options.boot ? ['--cgroup'] : [])];
  const child = spawn('unshare', [...flags, 'sh', '-c', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d.toString();
  });
  // unshare --fork ignores SIGTERM while it waits. The namespace's PID 1 is killed first (a booted
  // systemd would otherwise outlive it), then unshare; everything else in the namespace goes with PID 1.
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      for (const pid of childPids(child.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await waitForPortClosed(port);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => err.trim());
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    root,
    host: '127.0.0.1',
    port,
    username: 'root',
    privateKey: readFileSync(keyPath, 'utf8'),
    privateKeyPath: keyPath,
    run: (command) => execFileSync('chroot', [root, 'sh', '-c', command], { encoding: 'utf8' }),
    stop,
  };
}
