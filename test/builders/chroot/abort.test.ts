import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { canChroot, hostMounts } from '../../helpers/chroot-build.js';
import { runBake } from '../../helpers/run-bake.js';

/**
 * -on-error=abort and `bake cleanup` beside a running build, on a small ext4 image made here (the
 * host's dash and its libraries, an os-release and a marker file): mounting it is all the chroot
 * builder needs, and the provisioners run on the host (shell-local), so no base image is built.
 */
let dir: string;
let image: string;

beforeAll(() => {
  if (!canChroot) return;
  dir = mkdtempSync(join(tmpdir(), 'bake-chroot-abort-'));
  const root = join(dir, 'root');
  for (const file of ['/bin/dash', ...sharedLibraries('/bin/dash')]) {
    const to = join(root, file === '/bin/dash' ? '/bin/sh' : file);
    mkdirSync(dirname(to), { recursive: true });
    // copyFileSync follows a symlink (the loader's); Node.js 22.23's cpSync with dereference refuses one.
    copyFileSync(file, to);
  }
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/os-release'), 'ID=bake-test\n');
  writeFileSync(join(root, 'marker'), 'kept for inspection\n');
  image = join(dir, 'small.raw');
  execFileSync('mkfs.ext4', ['-q', '-d', root, image, '16M']);
});

afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

function sharedLibraries(binary: string): string[] {
  return [...execFileSync('ldd', [binary], { encoding: 'utf8' }).matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
}

function setup(name: string, provisioners: unknown[]) {
  const out = join(dir, name, 'out');
  mkdirSync(join(dir, name));
  const template = join(dir, name, 'chroot.json');
  writeFileSync(template, JSON.stringify({ builders: [{ type: 'chroot', iso_url: image, iso_checksum: 'none', output_directory: out, format: 'raw' }], provisioners }));
  const journal = join(dir, name, 'journal.jsonl');
  return { out, template, journal, env: { BAKE_JOURNAL: journal } };
}

/** Mounts and loop devices of the build's files left on the host (never any: the mounts live in the namespace). */
function loopsOf(path: string): string[] {
  return execFileSync('losetup', ['-a'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(path));
}

describe.skipIf(!canChroot)('chroot builder: -on-error=abort and bake cleanup beside a running build', () => {
  it('abort exits at once, keeps the image mounted for nsenter, and the printed cleanup command removes it all', async () => {
    const t = setup('abort', [{ type: 'shell-local', inline: ['exit 4'] }]);
    const before = hostMounts();
    // Before the fix bake sat after the summary, holding the namespace's pipe, until killed.
    const run = await runBake(['build', '-on-error=abort', t.template], { env: t.env, timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    const enter = /==> chroot: {3}(nsenter --target (\d+) --mount --uts --pid -- chroot \S+)\n/.exec(run.stdout);
    expect(enter, run.stdout).not.toBeNull();
    const cleanup = /==> chroot: Remove them with: (bake cleanup --build-id \S+ --journal \S+)\n/.exec(run.stdout)?.[1];
    expect(cleanup).toBe(`bake cleanup --build-id ${Journal.open(t.journal)[0]!.buildId} --journal ${t.journal}`);
    // The printed command enters the kept image, after bake has exited.
    const inside = execFileSync('sh', ['-c', `${enter![1]} /bin/sh -c 'read line < /marker; echo "$line"'`], { encoding: 'utf8', timeout: 10_000 });
    expect(inside).toBe('kept for inspection\n');
    expect(hostMounts().filter((l) => !before.includes(l))).toEqual([]);
    expect(loopsOf(t.out)).toHaveLength(1);

    const removed = await runBake(cleanup!.split(' ').slice(1), { env: t.env });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`killed process `);
    expect(existsSync(t.out)).toBe(false);
    expect(Journal.open(t.journal)).toEqual([]);
    for (let i = 0; i < 50 && loopsOf(t.out).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(loopsOf(t.out)).toEqual([]);
    expect(existsSync(`/proc/${enter![2]}`) && !/^State:\s+Z/m.test(execFileSync('cat', [`/proc/${enter![2]}/status`], { encoding: 'utf8' }))).toBe(false);
  }, 120_000);

  it('bake cleanup leaves a running build alone ("in use by pid N") and the build then succeeds', async () => {
    const t = setup('live', [{ type: 'shell-local', inline: [`echo HELD; while [ ! -e ${join(dir, 'live', 'go')} ]; do sleep 0.1; done`] }]);
    let cleanup: Promise<Awaited<ReturnType<typeof runBake>>> | undefined;
    let pid = 0;
    const build = runBake(['build', t.template], {
      env: t.env,
      timeoutMs: 90_000,
      onStdout: (chunk, child) => {
        if (!chunk.includes('HELD') || cleanup) return;
        pid = child.pid!;
        cleanup = runBake(['cleanup'], { env: t.env }).finally(() => writeFileSync(join(dir, 'live', 'go'), ''));
      },
    });
    const built = await build;
    const swept = await cleanup!;
    expect(swept.code).toBe(0);
    expect(swept.stdout).toMatch(new RegExp(`==> cleanup: 2 resource\\(s\\) of builds still running, left alone:\\n.*local:path ${t.out} .*: in use by pid ${pid}\\n`));
    expect(swept.stdout).toContain('Nothing else to clean up.');
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(built.stdout).toContain("Build 'chroot' finished");
    expect(existsSync(join(t.out, 'packer-chroot'))).toBe(true);
  }, 120_000);
});
