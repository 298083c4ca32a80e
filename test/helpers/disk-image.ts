import { execFileSync } from 'node:child_process';

/** A file of a raw image's root filesystem (partition 1 at 1 MiB, as bake's base image has it), read offline with debugfs. */
export function imageFile(raw: string, path: string): string {
  return execFileSync('debugfs', ['-R', `cat ${path}`, `${raw}?offset=1048576`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** debugfs's `stat` of a path (type, mode, size, fast-link target), or "" when it does not exist. */
export function imageStat(raw: string, path: string): string {
  const out = execFileSync('debugfs', ['-R', `stat ${path}`, `${raw}?offset=1048576`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.includes('Inode:') ? out : '';
}

/** The lines of debugfs's stat that describe the file itself: inode, type, mode, owner, size, link target (not times, nor the checksum over them). */
export function fileIdentity(stat: string): string {
  return stat
    .split('\n')
    .filter((l) => /^(Inode:|User:|Size:|Fast link dest)/.test(l.trim()))
    .map((l) => l.replace(/Generation:.*$/, '').trim())
    .join('\n');
}

/** Names in a directory of the image. */
export function imageList(raw: string, path: string): string[] {
  const out = execFileSync('debugfs', ['-R', `ls -p ${path}`, `${raw}?offset=1048576`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter(Boolean).map((l) => l.split('/')[5] ?? '').filter((n) => n && n !== '.' && n !== '..');
}
