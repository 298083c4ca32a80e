import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * bake's own folder (where package.json and scripts/ are), found by walking up from this module,
 * so it is right from src/ (tests), dist/ (tsc) and dist/bundle/ (the CLI) alike.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'bake') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bake's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

let version: string | undefined;

/** bake's version, from its package.json. */
export function bakeVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
