import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BAKE_BIN } from '../helpers/run-bake.js';

/**
 * bake needs Node.js 22.9 (`engines`). A checkout's `npm ci` installs Node.js 22 into node_modules,
 * and bin/bake.js started by an older Node.js (the system's, through `npm link` or `node bin/bake.js`)
 * runs itself again on that one. These tests need an older Node.js on the machine (the npm scripts
 * run on node_modules' Node.js 22, so it is looked for on PATH without node_modules, and in /usr/bin
 * and /usr/local/bin): where there is none, they are skipped.
 */
function olderNode(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d && !d.includes('node_modules'));
  for (const dir of [...dirs, '/usr/bin', '/usr/local/bin']) {
    const candidate = join(dir, 'node');
    try {
      const version = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000 }).trim();
      const [major, minor] = version.split('.').map(Number) as [number, number];
      if (major < 22 || (major === 22 && minor < 9)) return candidate;
    } catch {
      // not there, or not runnable
    }
  }
  return undefined;
}

const older = olderNode();

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function run(node: string, args: string[], onStdout?: (all: string, pid: number) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const home = mkdtempSync(join(tmpdir(), 'bake-older-node-'));
    const child = spawn(node, args, {
      env: { ...process.env, NO_COLOR: '1', BAKE_JOURNAL: join(home, 'journal.jsonl'), BAKE_RUNS_DIR: join(home, 'runs') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      onStdout?.(stdout, child.pid!);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${node} ${args.join(' ')} did not finish in 60 s\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe.skipIf(!older)(`bin/bake.js on an older Node.js (${older ?? 'none on this machine: skipped'})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bake-older-node-t-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ builders: [{ type: 'null', communicator: 'none' }] }));

  it('runs itself on the checkout\'s Node.js 22: same output and exit codes as when started on it', async () => {
    const ok = await run(older!, [BAKE_BIN, 'validate', good]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toContain('The configuration is valid.');
    const missing = join(dir, 'missing.json');
    const viaOlder = await run(older!, [BAKE_BIN, 'validate', missing]);
    const direct = await run(process.execPath, [BAKE_BIN, 'validate', missing]);
    expect(direct.code).toBe(2);
    expect(viaOlder).toEqual(direct);
    // On the older Node.js alone bake is refused (the last test): these ran on node_modules' Node.js 22.
  });

  it('a SIGTERM sent to it alone reaches bake, which cancels the build as when started directly (exit 1)', async () => {
    const template = join(dir, 'slow.json');
    writeFileSync(template, JSON.stringify({
      builders: [{ type: 'null', communicator: 'none' }],
      provisioners: [{ type: 'shell-local', inline: ['echo provisioning-started', 'sleep 40'] }],
    }));
    let sent = false;
    const started = Date.now();
    const r = await run(older!, [BAKE_BIN, 'build', template], (all, pid) => {
      if (!sent && all.includes('provisioning-started')) {
        sent = true;
        process.kill(pid, 'SIGTERM');
      }
    });
    expect(sent).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    expect(r.signal).toBeNull();
    expect(r.stdout + r.stderr).toMatch(/Terminated: cancelling builds and cleaning up/);
    expect(r.stdout + r.stderr).toMatch(/--> null: aborted: terminated/);
  });

  it('without a Node.js 22 beside it (not a checkout), it is refused in one line that says what to do', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'bake-bare-'));
    mkdirSync(join(bare, 'bin'));
    copyFileSync(BAKE_BIN, join(bare, 'bin', 'bake.js'));
    writeFileSync(join(bare, 'package.json'), '{"type":"module"}');
    const r = await run(older!, [join(bare, 'bin', 'bake.js'), 'validate', good]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^bake: needs Node\.js 22\.9 or later, and this is Node\.js v\d+\.\d+\.\d+ \(.*\); install Node\.js 22 \(`npm install -g node@22`\), or run bake from a checkout after `npm ci`, which installs it\n$/);
  });
});
