import { posix } from 'node:path';

/**
 * Packer's rules for where a copy lands. A directory source without a trailing slash lands as a
 * directory inside the destination; with one, its contents do. A file goes into a destination
 * ending in "/" under its own name, or is the destination otherwise.
 */
export function targetPath(source: string, sourceIsDir: boolean, destination: string, manySources: boolean): string {
  if (sourceIsDir) return source.endsWith('/') ? destination : posix.join(destination, posix.basename(source));
  if (destination.endsWith('/') || manySources) return posix.join(destination, posix.basename(source));
  return destination;
}
