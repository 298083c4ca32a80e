import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BAKE_BIN } from '../helpers/run-bake.js';

/**
 * -on-error=ask and -debug need a person at a terminal: bake runs here under a pseudo-terminal
 * (util-linux `script`), and each answer is typed when its question appears.
 */
const dir = mkdtempSync(join(tmpdir(), 'bake-ask-'));

interface Exchange {
  /** Text to wait for (after the previous one). */
  after: string;
  /** What is typed then (Enter is added). */
  type: string;
}

function onTerminal(args: string[], exchanges: Exchange[]): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, BAKE_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const env = { ...process.env, NO_COLOR: '1', BAKE_JOURNAL: join(dir, 'journal.jsonl'), BAKE_RUNS_DIR: join(dir, 'runs'), GITHUB_ACTIONS: undefined, GITHUB_STEP_SUMMARY: undefined };
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let seen = 0;
    const next = () => {
      const e = exchanges[0];
      if (!e) return;
      const at = output.indexOf(e.after, seen);
      if (at < 0) return;
      seen = at + e.after.length;
      exchanges.shift();
      child.stdin.write(`${e.type}\n`);
      next();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no answer to wait for: ${JSON.stringify(exchanges[0])}\n${output}`));
    }, 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d.replace(/\r\n/g, '\n');
      next();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function template(name: string, provisioners: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ builders: [{ type: 'null', communicator: 'none' }], provisioners }));
  return path;
}

const PROMPT = '[c] Clean up and exit, [a] abort without cleanup, [r] retry provisioner, [i] ignore the error and continue?';

describe('bake build on a terminal', () => {
  it('-on-error=ask: a failed provisioner can be ignored or retried, and the build then succeeds', async () => {
    const flag = join(dir, 'second-try');
    const t = template('ask.json', [
      { type: 'shell-local', inline: ['exit 5'] },
      { type: 'shell-local', inline: [`test -e ${flag} || { touch ${flag}; exit 6; }`, 'echo second provisioner done'] },
    ]);
    const r = await onTerminal(['build', '-on-error=ask', t], [
      { after: PROMPT, type: 'x' },
      { after: `Incorrect input: "x"\n==> null: ${PROMPT}`, type: 'i' },
      { after: `exited with 6 (nothing on stderr)\n==> null: ${PROMPT}`, type: 'r' },
    ]);
    expect(r.output).toContain(`==> null: provisioner shell-local (provisioners[0]) failed: shell-local provisioner: inline[0] "exit 5" exited with 5 (nothing on stderr)\n==> null: ${PROMPT}`);
    expect(r.output).toContain('shell-local provisioner (provisioners[0]) failed; continuing with the next one as asked');
    expect(r.output).toContain('second provisioner done');
    expect(r.output).toContain("Build 'null' finished");
    expect(r.code).toBe(0);
    expect(existsSync(flag)).toBe(true);
  });

  it('-debug pauses before each step and provisioner; "a" at -on-error=ask aborts without cleanup and bake exits', async () => {
    const t = template('debug.json', [{ type: 'shell-local', inline: ['exit 7'] }]);
    const r = await onTerminal(['build', '-debug', '-on-error=ask', t], [
      { after: "Pausing before step 'connect'. Press Enter to continue.", type: '' },
      { after: "Pausing before step 'provision'. Press Enter to continue.", type: '' },
      { after: 'Pausing before the next provisioner. Press Enter to continue.', type: '' },
      { after: PROMPT, type: 'a' },
    ]);
    expect(r.output).toContain("==> null: Warning: -on-error=ask: this build's resources are left in place for inspection");
    expect(r.output).not.toContain('Pausing before cleanup');
    expect(r.output).toContain('--> null: shell-local provisioner: inline[0] "exit 7" exited with 7');
    expect(r.code).toBe(1);
  });

  it('-on-error=ask: just Enter cleans up, as "c" does', async () => {
    const t = template('clean.json', [{ type: 'shell-local', inline: ['exit 8'] }]);
    const r = await onTerminal(['build', '-on-error=ask', t], [{ after: PROMPT, type: '' }]);
    expect(r.output).not.toContain('left in place');
    expect(r.output).toContain('--> null: shell-local provisioner: inline[0] "exit 8" exited with 8');
    expect(r.code).toBe(1);
  });
});
