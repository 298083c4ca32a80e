import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BAKE_BIN = fileURLToPath(new URL('../../bin/bake.js', import.meta.url));

export interface BakeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunBakeOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Called with the child once it started, e.g. to send SIGINT when some output appears. */
  onStdout?: (chunk: string, child: import('node:child_process').ChildProcess) => void;
  /** Called once the child runs, e.g. to poll for a condition and then signal it. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  timeoutMs?: number;
  /** Written to the child's standard input, which is then closed (otherwise stdin is /dev/null). */
  input?: string;
}

/**
 * Runs the real CLI (`node bin/bake.js`, from dist/ built by `npm test`'s pretest) as a child
 * process, as a user would, and collects its output.
 */
export function runBake(args: string[], options: RunBakeOptions = {}): Promise<BakeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BAKE_BIN, ...args], {
      cwd: options.cwd,
      env: { ...withoutCi(process.env), NO_COLOR: '1', ...ownJournal(options.env), ...ownRuns(options.env), ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      options.onStdout?.(d, child);
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bake ${args.join(' ')} did not finish within ${options.timeoutMs}ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Each run gets its own journal unless the test chose where it goes (BAKE_JOURNAL or
 * BAKE_CACHE_DIR), so tests never touch the user's journal.
 */
function ownJournal(env: Record<string, string | undefined> | undefined): Record<string, string> {
  if (env?.BAKE_JOURNAL || env?.BAKE_CACHE_DIR) return {};
  return { BAKE_JOURNAL: join(mkdtempSync(join(tmpdir(), 'bake-journal-')), 'journal.jsonl') };
}

/** Run records go to a temp directory too, unless the test chose one, so tests never fill the user's. */
function ownRuns(env: Record<string, string | undefined> | undefined): Record<string, string> {
  if (env?.BAKE_RUNS_DIR || env?.BAKE_CACHE_DIR) return {};
  return { BAKE_RUNS_DIR: mkdtempSync(join(tmpdir(), 'bake-runs-')) };
}

/** The CI's own summary file and annotations are for the CI's steps, not for the bake runs a test starts. */
function withoutCi(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { GITHUB_STEP_SUMMARY: _summary, GITHUB_ACTIONS: _actions, ...rest } = env;
  return rest;
}
