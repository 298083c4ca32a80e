import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';

/** `bake report` for local builds, with one runs directory shared by two checkouts. */
describe('bake report of local builds', () => {
  it('draws the newest run of the directory it is called in, without cloud figures', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bake-report-local-'));
    const env = { BAKE_RUNS_DIR: join(root, 'runs') };
    const checkout = (name: string) => {
      const dir = join(root, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 't.json'), JSON.stringify({ builders: [{ type: 'null', name: `${name}-build`, communicator: 'none' }] }));
      return dir;
    };
    const a = checkout('a');
    const b = checkout('b');
    expect((await runBake(['build', 't.json'], { cwd: a, env })).code).toBe(0);
    expect((await runBake(['build', 't.json'], { cwd: b, env })).code).toBe(0);

    const report = await runBake(['report', '-o', join(root, 'a.html')], { cwd: a, env });
    expect(report.stderr).toBe('');
    const html = readFileSync(join(root, 'a.html'), 'utf8');
    expect(html).toContain('a-build');
    expect(html).not.toContain('b-build');
    expect(html).not.toContain('cloud API calls');
    expect(html).not.toContain('on the cloud');

    const elsewhere = await runBake(['report', '-o', join(root, 'root.html')], { cwd: root, env });
    expect(elsewhere.stderr).toBe(`Note: no run recorded from ${root}; drawing the newest run in ${env.BAKE_RUNS_DIR}, started elsewhere\n`);
    expect(readFileSync(join(root, 'root.html'), 'utf8')).toContain('b-build');
  });
});
