import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalCommunicator } from '../../src/communicator/local.js';
import { AbortedError } from '../../src/core/errors.js';
import { recordingBus } from '../helpers/context.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'bake-local-'));

/** Running, not a zombie: an orphan's zombie lingers when PID 1 does not reap. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('LocalCommunicator', () => {
  it('streams stdout and stderr line by line, passes env and returns the exit code', async () => {
    const comm = new LocalCommunicator();
    const out: string[] = [];
    const err: string[] = [];
    const r = await comm.exec('echo "one $FOO"; printf "two\\nthree"; echo e1 >&2; echo e2 >&2; exit 3', {
      env: { FOO: 'bar baz' },
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
    });
    expect(out).toEqual(['one bar baz', 'two', 'three']);
    expect(err).toEqual(['e1', 'e2']);
    expect(r).toEqual({ exitCode: 3, stderrTail: ['e1', 'e2'] });
  });

  it('sends output to the build log when no callback is given and keeps the last 5 stderr lines', async () => {
    const { bus, lines } = recordingBus();
    const comm = new LocalCommunicator(bus.logger('b'));
    const r = await comm.exec('echo hello; for i in 1 2 3 4 5 6 7; do echo "err $i" >&2; done', { cwd: '/' });
    expect(lines()[0]).toBe('output: hello');
    expect(lines()).toHaveLength(8);
    expect(r.stderrTail).toEqual(['err 3', 'err 4', 'err 5', 'err 6', 'err 7']);
  });

  it('runs argv without a shell and honours cwd', async () => {
    const dir = tmp();
    const out: string[] = [];
    const r = await new LocalCommunicator().execFile(['/bin/pwd'], { cwd: dir, stdout: (l) => out.push(l) });
    expect(r.exitCode).toBe(0);
    expect(out).toEqual([dir]);
  });

  it('kills the whole process group on abort, background children included', async () => {
    const dir = tmp();
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const comm = new LocalCommunicator();
    const run = comm.exec(`sleep 60 & echo $! > ${pidFile}; wait`, { signal: controller.signal });
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 20));
      pid = Number(readFileSync(pidFile, { flag: 'a+' }).toString().trim() || 0);
    }
    expect(alive(pid)).toBe(true);
    controller.abort(new Error('interrupted'));
    await expect(run).rejects.toThrow(AbortedError);
    await expect(run).rejects.toThrow('interrupted');
    await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });

  it('copies files with modes and directory trees, and writes data', async () => {
    const src = tmp();
    const dst = tmp();
    writeFileSync(join(src, 'run.sh'), '#!/bin/sh\n', { mode: 0o750 });
    mkdirSync(join(src, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(src, 'tree', 'sub', 'f.txt'), 'deep');
    const comm = new LocalCommunicator();
    const progress: number[][] = [];
    await comm.upload(join(src, 'run.sh'), join(dst, 'a', 'run.sh'), { onProgress: (a, b) => progress.push([a, b]) });
    expect(statSync(join(dst, 'a', 'run.sh')).mode & 0o777).toBe(0o750);
    expect(progress).toEqual([[10, 10]]);
    await comm.upload(join(src, 'tree'), join(dst, 'tree2'));
    expect(readFileSync(join(dst, 'tree2', 'sub', 'f.txt'), 'utf8')).toBe('deep');
    await comm.uploadData('data', join(dst, 'd.txt'), { mode: 0o600 });
    expect(readFileSync(join(dst, 'd.txt'), 'utf8')).toBe('data');
    expect(statSync(join(dst, 'd.txt')).mode & 0o777).toBe(0o600);
    await comm.download(join(dst, 'd.txt'), join(src, 'back.txt'));
    expect(readFileSync(join(src, 'back.txt'), 'utf8')).toBe('data');
  });
});
