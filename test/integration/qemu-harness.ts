import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBaseImage } from '../../src/builders/qemu/index.js';
import { Journal } from '../../src/core/journal.js';
import { recordingBus } from '../helpers/context.js';

/** Builds bake's base image if this machine has none cached yet (about a minute on an idle host). */
export async function baseImage(): Promise<string> {
  const { bus, lines } = recordingBus();
  try {
    return await ensureBaseImage(bus.logger('base'), AbortSignal.timeout(30 * 60_000));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${lines().join('\n')}`);
  }
}

/** QEMU processes whose command line mentions `needle` (an output path unique to one test). */
export function qemuProcessesFor(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('qemu-system') && l.includes(needle));
}

/** bake-qemu-* work directories in the temp dir (seed CD, QMP socket, serial log). */
export function workDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('bake-qemu-'));
}

/** A file from the image's root filesystem (partition 1 at 1 MiB), read offline with qemu-img and debugfs. */
export function readGuestFile(image: string, path: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bake-read-'));
  try {
    const raw = join(dir, 'disk.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', image, raw]);
    return execFileSync('debugfs', ['-R', `cat ${path}`, `${raw}?offset=1048576`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function writeTemplate(dir: string, builder: Record<string, unknown>, provisioners: unknown[]): string {
  const path = join(dir, 'qemu.json');
  writeFileSync(path, JSON.stringify({ builders: [{ type: 'qemu', ...builder }], provisioners }, null, 2));
  return path;
}

/** A loopback port nothing listens on right now. */
export { freePort } from '../helpers/free-port.mjs';

/**
 * A cache directory of the test's own (so its journal can be checked) that shares the real
 * base image cache.
 */
export function isolatedCache(dir: string, image: string): { env: Record<string, string>; openResources: () => string[] } {
  const cache = join(dir, 'cache');
  mkdirSync(cache, { recursive: true });
  symlinkSync(dirname(image), join(cache, 'images'));
  return {
    env: { BAKE_CACHE_DIR: cache },
    openResources: () => Journal.open(join(cache, 'journal.jsonl')).map((r) => `${r.type} ${r.id}`),
  };
}

// Every way KVM fails on real hosts, imitated by a stand-in qemu_binary that runs the real QEMU
// under TCG: the tests using it behave the same on hosts with no /dev/kvm, a working KVM or a broken one.
const STAND_IN = fileURLToPath(new URL('../helpers/qemu-stand-in/qemu.sh', import.meta.url));

/**
 * A qemu_binary in `dir` that imitates `mode` under KVM (see qemu-stand-in/qemu.sh) and logs each
 * start; `starts()` lists the accelerator each start asked for. `name` keeps stand-ins of one dir apart.
 */
export function qemuStandIn(dir: string, mode: string, name: string): { binary: string; starts: () => string[] } {
  const log = join(dir, `starts-${name}-${mode}.log`);
  const binary = join(dir, `qemu-${name}-${mode}`);
  writeFileSync(binary, `#!/bin/sh\nQEMU_STAND_IN_MODE=${mode} QEMU_STAND_IN_LOG='${log}' exec '${STAND_IN}' "$@"\n`);
  chmodSync(binary, 0o755);
  return { binary, starts: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []).map((l) => l.split(' ')[0] as string) };
}
