import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../../src/core/journal.js';
import { recipeHash, runTool } from '../../src/local-image/index.js';

/** The arm64 test image's recipe: its own folder, so that it never changes the x86-64 base image's hash. */
export const ARM64_RECIPE = join(process.cwd(), 'scripts', 'base-image-arm64');

export function arm64ImagePath(): string {
  return join(defaultCacheDir(), 'images', `debian-12-arm64-${recipeHash(ARM64_RECIPE)}.qcow2`);
}

/**
 * A small Debian 12 arm64 disk image (no kernel; it is never booted), built once from Debian's
 * packages and cached in bake's image cache by recipe hash, like the base image. Returns its path
 * and how long building it took (0 when it came from the cache).
 */
export async function arm64Image(signal: AbortSignal): Promise<{ path: string; buildSeconds: number }> {
  const path = arm64ImagePath();
  if (existsSync(path)) return { path, buildSeconds: 0 };
  const started = Date.now();
  const lines: string[] = [];
  try {
    await runTool('sh', [join(ARM64_RECIPE, 'build.sh'), path], { signal, onLine: (l) => lines.push(l) });
  } catch (err) {
    throw new Error(`building the arm64 test image failed: ${(err as Error).message}\n${lines.slice(-30).join('\n')}`);
  }
  const dir = join(defaultCacheDir(), 'images');
  for (const name of readdirSync(dir)) {
    if (/^debian-12-arm64-[0-9a-f]+\.qcow2$/.test(name) && join(dir, name) !== path) rmSync(join(dir, name), { force: true });
  }
  return { path, buildSeconds: (Date.now() - started) / 1000 };
}
