import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_HELP } from '../../src/cli/environment.js';
import { packerLog } from '../../src/cli/packer-log.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Every BAKE_* variable bake reads: process.env in src/, and the base image recipe bake runs.
 * BAKE_TEST_* are hooks for bake's own tests (docs/architecture.md names them), not for users.
 */
function bakeVariables(): string[] {
  const names = new Set<string>();
  for (const f of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(root, 'src', f), 'utf8').matchAll(/process\.env\.(BAKE_\w+)/g)) names.add(m[1]);
  }
  const architecture = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  for (const name of names) {
    if (!name.startsWith('BAKE_TEST_')) continue;
    expect(architecture, `${name}: a test hook docs/architecture.md must name`).toContain(name);
    names.delete(name);
  }
  for (const m of readFileSync(join(root, 'scripts/base-image/build.sh'), 'utf8').matchAll(/\$\{(BAKE_\w+)/g)) names.add(m[1]);
  return [...names].sort();
}

describe('environment variables', () => {
  it('bake --help and the README list every BAKE_ variable bake reads, and PACKER_LOG', () => {
    const names = bakeVariables();
    expect(names).toEqual(expect.arrayContaining(['BAKE_CACHE_DIR', 'BAKE_DEBIAN_MIRROR', 'BAKE_JOURNAL', 'BAKE_KVM_DEVICE', 'BAKE_RUNS_DIR']));
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const usingBake = readme.slice(readme.indexOf('## Using bake'), readme.indexOf('\n## ', readme.indexOf('## Using bake') + 1));
    for (const name of [...names, 'PACKER_LOG', 'PACKER_LOG_PATH']) {
      expect(ENVIRONMENT_HELP, name).toContain(name);
      expect(usingBake, name).toContain(name);
    }
  });

  it('reads PACKER_LOG and PACKER_LOG_PATH as Packer does', () => {
    expect(packerLog({})).toEqual({ on: false });
    expect(packerLog({ PACKER_LOG: '0', PACKER_LOG_PATH: '/tmp/x' })).toEqual({ on: false });
    expect(packerLog({ PACKER_LOG: '1' })).toEqual({ on: true });
    expect(packerLog({ PACKER_LOG: 'yes', PACKER_LOG_PATH: '/tmp/x' })).toEqual({ on: true, path: '/tmp/x' });
  });
});
