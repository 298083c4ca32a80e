import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalCommunicator } from '../../src/communicator/local.js';
import type { Communicator, ExecOptions, ExecResult } from '../../src/communicator/types.js';

/** Whether this host can run the package-database tests: root (chroot, mount namespaces), a static busybox, rpm and rpmbuild. */
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
export const isRoot = process.getuid?.() === 0;
/** Only exec is needed to list packages; anything else is a test mistake. */
class ExecOnly implements Communicator {
  constructor(private readonly argv: (command: string) => string[]) {}
  private local = new LocalCommunicator();
  exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    return this.local.execFile(this.argv(command), options);
  }
  upload(): Promise<void> {
    throw new Error('not used');
  }
  uploadData(): Promise<void> {
    throw new Error('not used');
  }
  download(): Promise<void> {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
}

/**
 * A tiny root filesystem with a static busybox as its only program (sh, cat, grep, printf) and the
 * given files: commands run in it through chroot(8), as the chroot builder runs them in an image.
 */
export function busyboxRoot(files: Record<string, string>): { root: string; comm: Communicator } {
  const root = mkdtempSync(join(tmpdir(), 'bake-sbom-root-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  execFileSync('chmod', ['755', join(root, 'bin/busybox')]);
  for (const applet of ['sh', 'cat', 'grep', 'printf', 'head']) symlinkSync('busybox', join(root, 'bin', applet));
  // The chroot builder gives an image /dev; here /dev/null is all the script needs.
  mkdirSync(join(root, 'dev'));
  execFileSync('mknod', ['-m', '666', join(root, 'dev/null'), 'c', '1', '3']);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, comm: new ExecOnly((command) => ['chroot', root, '/bin/sh', '-c', command]) };
}

/**
 * The host with a real rpm database (built by rpmbuild and `rpm -i --justdb` from a spec) at
 * /var/lib/rpm and no dpkg database: commands run in a private mount namespace where a tmpfs hides
 * the host's /var/lib and holds that database, so the host itself is never changed. rpm reads it
 * from /var/lib/rpm as on Red Hat systems (Debian's rpm defaults to ~/.rpmdb: a HOME with an
 * .rpmmacros points it back).
 */
export function rpmHost(specs: string[]): { dir: string; comm: Communicator } {
  const dir = mkdtempSync(join(tmpdir(), 'bake-sbom-rpm-'));
  const rpms: string[] = [];
  specs.forEach((spec, i) => {
    writeFileSync(join(dir, `${i}.spec`), spec);
    execFileSync('rpmbuild', ['--quiet', '--define', `_topdir ${join(dir, 'top')}`, '-bb', join(dir, `${i}.spec`)], { stdio: 'pipe' });
  });
  for (const line of execFileSync('find', [join(dir, 'top/RPMS'), '-name', '*.rpm'], { encoding: 'utf8' }).split('\n')) if (line) rpms.push(line);
  mkdirSync(join(dir, 'db'));
  execFileSync('rpm', ['--dbpath', join(dir, 'db'), '-i', '--justdb', '--nodeps', '--noscripts', ...rpms], { stdio: 'pipe' });
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'home/.rpmmacros'), '%_dbpath /var/lib/rpm\n');
  const setup = `mount -t tmpfs bake-test /var/lib && mkdir /var/lib/rpm && cp -a "$1"/db/. /var/lib/rpm/ && HOME="$1/home" && export HOME && exec /bin/sh -c "$2"`;
  return { dir, comm: new ExecOnly((command) => ['unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', setup, 'sh', dir, command]) };
}

/** A busybox that runs alone in an empty root: a static one (Debian's busybox-static, or busybox built static). */
export const canApk = isRoot && existsSync('/bin/busybox') && staticBusybox();
export const canRpm = isRoot && has('rpm') && has('rpmbuild') && has('unshare');

function staticBusybox(): boolean {
  const { root } = busyboxRoot({});
  try {
    return execFileSync('chroot', [root, '/bin/sh', '-c', 'echo ok'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) === 'ok\n';
  } catch {
    return false;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
