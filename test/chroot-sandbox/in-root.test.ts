import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InRoot } from '../../src/chroot-sandbox/index.js';

describe('InRoot: paths of an untrusted image resolved inside its root', () => {
  const base = mkdtempSync(join(tmpdir(), 'bake-in-root-'));
  const root = join(base, 'root');
  const host = join(base, 'host');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var', 'tmp'), { recursive: true });
  mkdirSync(host);
  writeFileSync(join(host, 'secret'), 'host secret\n');
  writeFileSync(join(root, 'etc', 'hostname'), 'inside\n');
  symlinkSync('/var/tmp', join(root, 'tmp'));
  symlinkSync(host, join(root, 'hostdir'));
  symlinkSync('../../../../../../host/secret', join(root, 'etc', 'up'));
  symlinkSync(join(host, 'secret'), join(root, 'etc', 'abs'));
  symlinkSync('loop', join(root, 'loop'));
  execFileSync('mkfifo', [join(root, 'etc', 'fifo')]);
  const image = new InRoot(root);
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('resolves absolute links and `..` inside the root, as a chroot would', () => {
    expect(image.resolve('/tmp/x')).toBe('/var/tmp/x');
    expect(image.resolve('/../../etc/./hostname')).toBe('/etc/hostname');
    expect(image.resolve('/hostdir/secret')).toBe(`/var${host}/secret`);
    expect(image.read('/etc/up')).toBeUndefined();
    expect(image.read('/etc/abs')).toBeUndefined();
    expect(image.read('/etc/hostname')?.toString()).toBe('inside\n');
    expect(image.resolve('/missing/dir/../file')).toBe('/missing/file');
  });

  it('refuses a FIFO without blocking, a file over the limit, and a symlink loop, each in one line', () => {
    expect(() => image.read('/etc/fifo')).toThrow('/etc/fifo in the image is a FIFO: refusing to read it');
    expect(() => image.read('/etc/hostname', 3)).toThrow('/etc/hostname in the image is 7 bytes, more than the 3 bake reads');
    expect(() => image.read('/loop')).toThrow('/loop in the image: more than 40 symlinks');
  });

  it('creates, renames and removes only inside the root, never through a link', () => {
    expect(image.mkdirs('/hostdir/made').path).toBe(`/var${host}/made`);
    expect(existsSync(join(host, 'made'))).toBe(false);
    expect(existsSync(join(root, 'var', host, 'made'))).toBe(true);
    expect(() => image.create('/etc/abs', Buffer.from('x'))).toThrow(/EEXIST/);
    image.create('/tmp/file', Buffer.from('in tmp\n'));
    expect(readFileSync(join(root, 'var', 'tmp', 'file'), 'utf8')).toBe('in tmp\n');
    image.unlink('/etc/abs');
    expect(readFileSync(join(host, 'secret'), 'utf8')).toBe('host secret\n');
    image.mkdirs('/host');
    const { fd } = image.openForWrite('/etc/up', 0o644);
    writeFileSync(fd, 'written\n');
    expect(readFileSync(join(host, 'secret'), 'utf8')).toBe('host secret\n');
    expect(readFileSync(join(root, 'host', 'secret'), 'utf8')).toBe('written\n');
  });
});
