import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Logger } from '../core/events.js';
import { BakeError } from '../core/errors.js';
import { defaultCacheDir } from '../core/journal.js';
import { packageRoot } from '../core/package-root.js';
import { runTool } from './run-tool.js';

/** scripts/base-image of this bake checkout or package. */
export function recipeDir(): string {
  return join(packageRoot(), 'scripts', 'base-image');
}

function recipeFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** A digest of every file of the recipe: changing the recipe changes the cached image's name. */
export function recipeHash(dir = recipeDir()): string {
  const hash = createHash('sha256');
  for (const file of recipeFiles(dir)) hash.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

export function baseImagePath(dir = recipeDir()): string {
  return join(defaultCacheDir(), 'images', `debian-12-bake-${recipeHash(dir)}.qcow2`);
}

/**
 * The default base image, built from the recipe on first use (about a minute: mmdebstrap plus an
 * ext4 filesystem made without loop devices). build.sh writes a temporary file and renames it, so
 * an interrupted build leaves no image that looks complete.
 */
export async function ensureBaseImage(log: Logger, signal?: AbortSignal, dir = recipeDir()): Promise<string> {
  const path = baseImagePath(dir);
  if (existsSync(path)) return path;
  if (process.getuid?.() !== 0) {
    throw new BakeError(`the base image ${path} is not built yet and building it needs root: run \`sudo ${join(dir, 'build.sh')} ${path}\`, or set iso_url to a cloud image`);
  }
  log.say(`Building the Debian 12 base image (first use; cached as ${path})...`);
  const started = Date.now();
  let lines = 0;
  await runTool('sh', [join(dir, 'build.sh'), path], {
    signal,
    onLine: (line) => {
      lines++;
      if (line.startsWith('I: ') || line.startsWith('build.sh:')) log.progress(`base image: ${line.replace(/^I: /, '')}`, { label: 'base image', current: lines, unit: 'items' });
      else log.debug(`base image: ${line}`);
    },
  });
  log.info(`base image ready in ${Math.round((Date.now() - started) / 1000)}s`);
  removeStaleImages(path);
  return path;
}

/**
 * Images built from earlier versions of the recipe are never used again, nor the files named after
 * them (`debian-12-bake-<hash>-boot-prompt.iso`, the installer tests' ISO made from the image).
 */
export function removeStaleImages(current: string): void {
  const dir = dirname(current);
  const hash = /^debian-12-bake-([0-9a-f]+)\.qcow2$/.exec(basename(current))?.[1];
  for (const name of readdirSync(dir)) {
    const m = /^debian-12-bake-([0-9a-f]+)(?:\.qcow2|-[\w.-]+)$/.exec(name);
    if (m && m[1] !== hash) rmSync(join(dir, name), { force: true });
  }
}
