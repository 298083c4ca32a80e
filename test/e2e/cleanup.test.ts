import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import { runBake } from '../helpers/run-bake.js';

describe('bake cleanup', () => {
  it('removes local leftovers recorded in the journal, and a dry run removes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-cleanup-'));
    const journalPath = join(dir, 'journal.jsonl');
    const leftover = join(dir, 'output-qemu');
    mkdirSync(leftover);
    writeFileSync(join(leftover, 'disk.qcow2'), 'half-written');
    const removedAlready = join(dir, 'seed.iso');
    const vm = spawn('sleep', ['300'], { stdio: 'ignore' });
    // Recorded for no process: a run that died (or a journal from before owners were recorded).
    const journal = new Journal(journalPath, 'bake-abc-0', 'qemu', null);
    journal.created({ type: 'local:path', id: leftover });
    journal.created({ type: 'local:path', id: removedAlready });
    journal.removed({ type: 'local:path', id: removedAlready });
    journal.created({ type: 'local:process', id: String(vm.pid), details: { match: 'sleep 300' } });
    const exited = new Promise((res) => vm.on('exit', res));

    const dry = await runBake(['cleanup', '--dry-run'], { env: { BAKE_JOURNAL: journalPath } });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('2 resource(s) left by earlier runs in the journal (dry run: nothing is removed):');
    expect(dry.stdout).toContain(`local:path ${leftover} (build qemu, bake-abc-0,`);
    expect(existsSync(leftover)).toBe(true);

    const real = await runBake(['cleanup'], { env: { BAKE_JOURNAL: journalPath } });
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`killed process ${vm.pid}`);
    expect(real.stdout).toContain(`removed ${leftover}`);
    expect(existsSync(leftover)).toBe(false);
    await exited;
    expect(Journal.open(journalPath)).toEqual([]);

    const again = await runBake(['cleanup'], { env: { BAKE_JOURNAL: journalPath } });
    expect(again.stdout).toContain('Nothing to clean up');
  });

  it('never kills a process whose command line no longer matches the record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-cleanup-'));
    const journalPath = join(dir, 'journal.jsonl');
    const other = spawn('sleep', ['301'], { stdio: 'ignore' });
    new Journal(journalPath, 'bake-abc-0', 'qemu', null).created({ type: 'local:process', id: String(other.pid), details: { match: 'qemu-system' } });
    const r = await runBake(['cleanup'], { env: { BAKE_JOURNAL: journalPath } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`process ${other.pid} is gone (or is now another program); nothing to kill`);
    expect(other.exitCode).toBeNull();
    other.kill();
  });

  it('leaves alone the resources of a build whose bake process still runs; --dry-run lists both groups; --build-id and --older-than choose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-cleanup-'));
    const journalPath = join(dir, 'journal.jsonl');
    const live = join(dir, 'live');
    const dead = join(dir, 'dead');
    const other = join(dir, 'other');
    for (const d of [live, dead, other]) mkdirSync(d);
    // This test's own process stands for a bake still building.
    new Journal(journalPath, 'bake-live-0', 'web').created({ type: 'local:path', id: live });
    new Journal(journalPath, 'bake-dead-0', 'web', null).created({ type: 'local:path', id: dead });
    // Its owner was a process of the same pid that started at another time: that process is gone.
    new Journal(journalPath, 'bake-reused-0', 'db', { pid: process.pid, start: '1', boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() }).created({ type: 'local:path', id: other });
    const env = { BAKE_JOURNAL: journalPath };

    const dry = await runBake(['cleanup', '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`==> cleanup: 1 resource(s) of builds still running, left alone:\n    cleanup: local:path ${live} (build web, bake-live-0, `);
    expect(dry.stdout).toContain(`): in use by pid ${process.pid}\n`);
    expect(dry.stdout).toContain('2 resource(s) left by earlier runs in the journal (dry run: nothing is removed):');
    expect(dry.stdout).toContain(`would remove local:path ${dead}`);
    expect(dry.stdout).toContain(`would remove local:path ${other}`);

    const young = await runBake(['cleanup', '--older-than', '1h'], { env });
    expect(young.stdout).toContain('Nothing to clean up');
    expect(existsSync(dead)).toBe(true);

    const one = await runBake(['cleanup', '--build-id', 'bake-dead-0'], { env });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`removed ${dead}`);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(other)).toBe(true);

    const rest = await runBake(['cleanup'], { env });
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain(`removed ${other}`);
    expect(rest.stdout).not.toContain(`removed ${live}`);
    expect(existsSync(live)).toBe(true);
    expect(Journal.open(journalPath).map((r) => r.id)).toEqual([live]);
  });

  it('rejects a bad --older-than', async () => {
    const r = await runBake(['cleanup', '--older-than', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: --older-than=soon: expected a duration like "2h" or "30d"\n');
  });
});
