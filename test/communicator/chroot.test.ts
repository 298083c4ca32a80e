import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canChroot, type HeldImage, holdChrootImage } from '../helpers/chroot-build.js';

const quiet = { stdout: () => {}, stderr: () => {} };

describe.skipIf(!canChroot)('chroot communicator (a mounted Debian image)', () => {
  let image: HeldImage;
  const local = mkdtempSync(join(tmpdir(), 'bake-chroot-comm-'));

  beforeAll(async () => {
    image = await holdChrootImage();
  }, 120_000);
  afterAll(async () => {
    await image?.finish();
    rmSync(local, { recursive: true, force: true });
  }, 60_000);

  it('runs commands as root inside the image, streams lines, passes env and exit codes', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const r = await image.comm.exec('cat /etc/debian_version >/dev/null && id -un && echo "$GREETING" && echo oops >&2 && exit 7', {
      env: { GREETING: "it's me" },
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
    });
    expect(r.exitCode).toBe(7);
    expect(out).toEqual(['root', "it's me"]);
    expect(err).toEqual(['oops']);
    expect(r.stderrTail).toEqual(['oops']);
  });

  it('sees only its own processes and a private /dev/pts, /run and /tmp', async () => {
    const out: string[] = [];
    await image.comm.exec('ps -e -o pid= | wc -l; test -c /dev/null && echo null-ok; mount | grep -c " on /run type tmpfs"; stat -f -c %T /tmp', { stdout: (l) => out.push(l.trim()) });
    expect(Number(out[0])).toBeLessThan(10);
    expect(out.slice(1)).toEqual(['null-ok', '1', 'tmpfs']);
  });

  it('settles when the command exits even when a daemon it started holds its output open', async () => {
    const started = Date.now();
    const r = await image.comm.exec('sleep 600 & echo started', quiet);
    expect(r.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a command that floods the launcher\'s status pipe with junk disturbs neither itself nor the next command', async () => {
    const out: string[] = [];
    // PID 2 of the sandbox is its resident launcher (PID 1 is bwrap's reaper); its stdout is the status pipe bake reads.
    const r = await image.comm.exec('grep -q "while read" /proc/2/cmdline && echo launcher-found; head -c 1000000 /dev/zero > /proc/2/fd/1; echo "ended nonsense 0" > /proc/2/fd/1; echo done', { ...quiet, stdout: (l) => out.push(l) });
    expect(r.exitCode).toBe(0);
    expect(out).toEqual(['launcher-found', 'done']);
    const next: string[] = [];
    const r2 = await image.comm.exec('echo next; exit 4', { ...quiet, stdout: (l) => next.push(l) });
    expect(r2.exitCode).toBe(4);
    expect(next).toEqual(['next']);
  });

  it('an abort kills the command and what it started in the background', async () => {
    const controller = new AbortController();
    const running = image.comm.exec('(sleep 731; echo late) & sleep 732', { ...quiet, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 500));
    controller.abort(new Error('test abort'));
    await expect(running).rejects.toThrow(/abort/i);
    await new Promise((r) => setTimeout(r, 500));
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => /^sleep 73[12]$/.test(l.trim()));
    expect(left).toEqual([]);
  });

  it('uploads a file and a tree with their modes, and downloads them back', async () => {
    const tree = join(local, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'run.sh'), '#!/bin/sh\necho ran\n');
    chmodSync(join(tree, 'run.sh'), 0o750);
    writeFileSync(join(tree, 'sub', 'data.txt'), 'data\n');
    symlinkSync('sub/data.txt', join(tree, 'link'));
    await image.comm.upload(tree, '/opt/bake-tree');
    await image.comm.upload(join(tree, 'run.sh'), '/usr/local/bin/bake-run', { mode: 0o755 });
    await image.comm.uploadData('bytes\n', '/etc/bake/data.conf', { mode: 0o600 });
    const out: string[] = [];
    await image.comm.exec('/opt/bake-tree/run.sh; stat -c "%a %U %n" /opt/bake-tree/run.sh /usr/local/bin/bake-run /etc/bake/data.conf; readlink /opt/bake-tree/link', { stdout: (l) => out.push(l) });
    expect(out).toEqual(['ran', '750 root /opt/bake-tree/run.sh', '755 root /usr/local/bin/bake-run', '600 root /etc/bake/data.conf', 'sub/data.txt']);
    const back = join(local, 'back');
    await image.comm.download('/opt/bake-tree', back);
    expect(readFileSync(join(back, 'sub', 'data.txt'), 'utf8')).toBe('data\n');
    expect(statSync(join(back, 'run.sh')).mode & 0o777).toBe(0o750);
    expect(readlinkSync(join(back, 'link'))).toBe('sub/data.txt');
    await image.comm.download('/etc/bake/data.conf', join(local, 'data.conf'));
    expect(readFileSync(join(local, 'data.conf'), 'utf8')).toBe('bytes\n');
    expect(statSync(join(local, 'data.conf')).mode & 0o777).toBe(0o600);
  });

  it('resolves the image\'s absolute symlinks inside the image, never on the host', async () => {
    // Debian's /var/run is a link to /run: from outside the chroot it would name the host's /run.
    await image.comm.uploadData('inside\n', '/var/run/bake-chroot-test.txt');
    expect(existsSync('/run/bake-chroot-test.txt')).toBe(false);
    const out: string[] = [];
    await image.comm.exec('cat /run/bake-chroot-test.txt', { stdout: (l) => out.push(l) });
    expect(out).toEqual(['inside']);
  });

  it('refuses a directory as a file upload destination and names a missing download', async () => {
    await expect(image.comm.uploadData('x', '/etc')).rejects.toThrow(`chroot: upload 1 bytes to "/etc" failed: "/etc" is a directory; give the file's full destination path`);
    await expect(image.comm.download('/nonexistent', join(local, 'none'))).rejects.toThrow('chroot: download "/nonexistent" to');
    expect(existsSync(join(local, 'none'))).toBe(false);
  });
});
