import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BakeError, UsageError } from '../core/errors.js';
import type { EventRecord } from '../core/render-machine.js';
import { latestRun, reportHtml, runModel, runsDir } from '../report/index.js';

/** `bake report [RUN|FILE] [-o out.html]`: draws a recorded run; prints the page's path. */
export async function reportCommand(run: string | undefined, flags: { output?: string }): Promise<number> {
  const path = recordPath(run);
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
  const events: EventRecord[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      events.push(JSON.parse(line) as EventRecord);
    } catch {
      // Only the last line may be torn: a run killed mid-write. Damage elsewhere is worth knowing.
      if (i < lines.length - 1) throw new BakeError(`${path}:${i + 1}: not a JSON line of a run record`);
    }
  }
  if (!events.some((e) => e.data?.run_start)) throw new BakeError(`${path}: not a bake run record (no run_start event)`);
  const model = runModel(events);
  const out = flags.output ?? `bake-report-${model.id}.html`;
  writeFileSync(out, reportHtml(model));
  process.stdout.write(`${out}\n`);
  return 0;
}

function recordPath(run: string | undefined): string {
  if (!run) {
    const latest = latestRun(runsDir(), process.cwd());
    if (!latest) throw new UsageError(`no run recorded in ${runsDir()} yet; give a run id or a record file`);
    if (!latest.here) process.stderr.write(`Note: no run recorded from ${process.cwd()}; drawing the newest run in ${runsDir()}, started elsewhere\n`);
    return latest.path;
  }
  if (existsSync(run)) return run;
  const byId = join(runsDir(), `${run}.jsonl`);
  if (existsSync(byId)) return byId;
  throw new UsageError(`${run}: neither a run record file nor a run id in ${runsDir()}`);
}
