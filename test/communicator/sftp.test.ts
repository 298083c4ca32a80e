import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../src/communicator/connect-ssh.js';
import type { Communicator } from '../../src/communicator/types.js';
import { AbortedError } from '../../src/core/errors.js';
import { makeProvisionContext } from '../helpers/context.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { optionsFor } from './ssh-test-options.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const mode = (p: string) => statSync(p).mode & 0o7777;

describe('SFTP transfers', () => {
  let sshd: TestSshd;
  let comm: Communicator;
  let local: string;
  let remote: string;
  beforeAll(async () => {
    sshd = await startSshd();
    comm = await connectSsh(optionsFor(sshd), makeProvisionContext());
    local = mkdtempSync(join(tmpdir(), 'bake-sftp-local-'));
    // The sshd runs on this machine, so "remote" paths can be checked with fs directly.
    remote = mkdtempSync(join(tmpdir(), 'bake-sftp-remote-'));
  });
  afterAll(async () => {
    await comm?.close();
    await sshd?.stop();
    for (const dir of [local, remote]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a file into missing parent directories, keeping its mode, and downloads it back', async () => {
    const src = join(local, 'script.sh');
    writeFileSync(src, '#!/bin/sh\necho hi\n');
    chmodSync(src, 0o750);
    const dest = join(remote, 'a/b/c/script.sh');
    await comm.upload(src, dest);
    expect(readFileSync(dest, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(mode(dest)).toBe(0o750);
    const back = join(local, 'back/script.sh');
    await comm.download(dest, back);
    expect(readFileSync(back, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(mode(back)).toBe(0o750);
  });

  it('sets an explicit mode, beyond the server umask', async () => {
    const src = join(local, 'plain.txt');
    writeFileSync(src, 'x');
    const dest = join(remote, 'plain.txt');
    await comm.upload(src, dest, { mode: 0o777 });
    expect(mode(dest)).toBe(0o777);
  });

  it('round-trips a directory tree with bytes, modes, empty dirs and symlinks', async () => {
    const tree = join(local, 'tree');
    mkdirSync(join(tree, 'sub/deeper'), { recursive: true });
    mkdirSync(join(tree, 'empty'));
    const bin = randomBytes(70_000);
    writeFileSync(join(tree, 'top.txt'), 'top');
    writeFileSync(join(tree, 'sub/data.bin'), bin);
    writeFileSync(join(tree, 'sub/deeper/run'), 'run');
    chmodSync(join(tree, 'sub/deeper/run'), 0o755);
    chmodSync(join(tree, 'top.txt'), 0o600);
    chmodSync(join(tree, 'sub'), 0o711);
    symlinkSync('top.txt', join(tree, 'link'));
    const dest = join(remote, 'deploy/tree');
    await comm.upload(tree, dest);
    expect(readFileSync(join(dest, 'top.txt'), 'utf8')).toBe('top');
    expect(sha(readFileSync(join(dest, 'sub/data.bin')))).toBe(sha(bin));
    expect(mode(join(dest, 'sub/deeper/run'))).toBe(0o755);
    expect(mode(join(dest, 'top.txt'))).toBe(0o600);
    expect(mode(join(dest, 'sub'))).toBe(0o711);
    expect(statSync(join(dest, 'empty')).isDirectory()).toBe(true);
    expect(readlinkSync(join(dest, 'link'))).toBe('top.txt');

    const back = join(local, 'tree-back');
    await comm.download(dest, back);
    expect(sha(readFileSync(join(back, 'sub/data.bin')))).toBe(sha(bin));
    expect(mode(join(back, 'sub/deeper/run'))).toBe(0o755);
    expect(mode(join(back, 'sub'))).toBe(0o711);
    expect(readlinkSync(join(back, 'link'))).toBe('top.txt');
  });

  it('follows a symlink given as the source', async () => {
    writeFileSync(join(local, 'real.txt'), 'real');
    symlinkSync(join(local, 'real.txt'), join(local, 'alias.txt'));
    await comm.upload(join(local, 'alias.txt'), join(remote, 'alias.txt'));
    expect(readFileSync(join(remote, 'alias.txt'), 'utf8')).toBe('real');
    expect(statSync(join(remote, 'alias.txt')).isFile()).toBe(true);
  });

  it('uploads bytes with uploadData', async () => {
    const dest = join(remote, 'data/new/file.bin');
    await comm.uploadData(Buffer.from([0, 1, 2, 255]), dest, { mode: 0o640 });
    expect(readFileSync(dest)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(mode(dest)).toBe(0o640);
    await comm.uploadData('text', dest);
    expect(readFileSync(dest, 'utf8')).toBe('text');
  });

  it('moves a 20 MiB file intact both ways, reporting progress up to the total', async () => {
    const big = randomBytes(20 * 1024 * 1024);
    const src = join(local, 'big.bin');
    writeFileSync(src, big);
    const seen: Array<[number, number]> = [];
    await comm.upload(src, join(remote, 'big.bin'), { onProgress: (t, total) => seen.push([t, total]) });
    expect(sha(readFileSync(join(remote, 'big.bin')))).toBe(sha(big));
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toEqual([big.length, big.length]);
    expect(seen.every(([t], i) => i === 0 || t >= seen[i - 1][0])).toBe(true);
    await comm.download(join(remote, 'big.bin'), join(local, 'big-back.bin'));
    expect(sha(readFileSync(join(local, 'big-back.bin')))).toBe(sha(big));
  });

  it('names the paths in errors', async () => {
    await expect(comm.upload(join(local, 'nope'), join(remote, 'x'))).rejects.toThrow(
      `sftp: cannot upload "${join(local, 'nope')}" to "${join(remote, 'x')}": no such file or directory`,
    );
    await expect(comm.download('/definitely/not/here', join(local, 'y'))).rejects.toThrow(
      `sftp: cannot download "/definitely/not/here" to "${join(local, 'y')}": no such file or directory`,
    );
    const file = join(local, 'one.txt');
    writeFileSync(file, '1');
    await expect(comm.upload(file, remote)).rejects.toThrow(
      `sftp: cannot upload "${file}" to "${remote}": "${remote}" is a directory; give the file's full destination path`,
    );
    writeFileSync(join(remote, 'a-file'), '');
    await expect(comm.uploadData('x', join(remote, 'a-file/child'))).rejects.toThrow(
      `sftp: cannot upload 1 bytes to "${join(remote, 'a-file/child')}": ${join(remote, 'a-file')} exists and is not a directory`,
    );
  });

  it('stops a transfer on abort and stays usable', async () => {
    const src = join(local, 'abort.bin');
    writeFileSync(src, randomBytes(64 * 1024 * 1024));
    const controller = new AbortController();
    const upload = comm.upload(src, join(remote, 'abort.bin'), {
      signal: controller.signal,
      onProgress: (t) => t > 1024 * 1024 && controller.abort(new Error('stop')),
    });
    await expect(upload).rejects.toThrow(new AbortedError('stop'));
    await comm.uploadData('still works', join(remote, 'after-abort.txt'));
    expect(readFileSync(join(remote, 'after-abort.txt'), 'utf8')).toBe('still works');
  });

  it('reopens SFTP after the connection drops', async () => {
    sshd.dropConnections();
    await new Promise((r) => setTimeout(r, 200));
    await comm.uploadData('after drop', join(remote, 'after-drop.txt'));
    expect(readFileSync(join(remote, 'after-drop.txt'), 'utf8')).toBe('after drop');
  });
});
