import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

/**
 * Real runs of the CLI with the null builder over a real sshd: two templates in one run, the run
 * record, per-build logs, JUnit, the GitHub step summary and `bake report`, all from what the run did.
 */
let sshd: TestSshd;
let dir: string;

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'bake-run-record-'));
});
afterAll(async () => sshd?.stop());

function nullBuild(name: string) {
  return {
    type: 'null',
    name,
    ssh_host: sshd.host,
    ssh_port: sshd.port,
    ssh_username: sshd.username,
    ssh_private_key_file: sshd.privateKeyPath,
    ssh_timeout: '20s',
  };
}

function template(file: string, body: object): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(body));
  return path;
}

interface Line {
  time: string;
  build: string;
  level: string;
  text: string;
  data?: Record<string, any>;
}
const readRecord = (path: string): Line[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('a run of two templates', () => {
  it('runs them as stages and records, logs and reports every build', async () => {
    const base = template('base.json', {
      variables: { token: 'tok-5ec4e7' },
      'sensitive-variables': ['token'],
      builders: [nullBuild('base-a'), nullBuild('base-b')],
      provisioners: [{ type: 'shell', inline: ['echo "hello from {{build_name}} token={{user `token`}}"', 'sleep 0.3'] }],
    });
    const app = template('app.json', {
      builders: [nullBuild('app')],
      provisioners: [{ type: 'shell', inline: ['echo app provisioned'] }, { type: 'shell-local', inline: ['echo local step'] }],
    });
    const runs = join(dir, 'runs');
    const logs = join(dir, 'logs');
    const junit = join(dir, 'out', 'junit.xml');
    const summary = join(dir, 'summary.md');
    const r = await runBake(['build', '-log-dir', logs, '-log-per-provisioner', '-report-junit', junit, base, app], {
      env: { BAKE_RUNS_DIR: runs, GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    // The run record: one file in the runs directory (beside the run's folder of SBOMs), redacted, with the stages in order.
    const [file] = readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
    const id = file.replace(/\.jsonl$/, '');
    expect(r.stdout).toContain(`==> Run ${id} recorded in ${join(runs, file)}`);
    const record = readRecord(join(runs, file));
    const raw = readFileSync(join(runs, file), 'utf8');
    expect(raw).not.toContain('tok-5ec4e7');
    expect(raw).toContain('token=<sensitive>');
    expect(record[0].data?.run_start).toMatchObject({ id, templates: [base, app] });
    const stages = record.filter((e) => e.data?.stage).map((e) => e.data!.stage);
    expect(stages.map((s) => [s.template, s.builds.map((b: { name: string }) => b.name)])).toEqual([
      [base, ['base-a', 'base-b']],
      [app, ['app']],
    ]);
    // Stage 2 starts only after both builds of stage 1 ended.
    const lastBaseEnd = Math.max(...record.flatMap((e, i) => (e.data?.build_result && e.build.startsWith('base-') ? [i] : [])));
    const firstApp = record.findIndex((e) => e.build === 'app');
    expect(firstApp).toBeGreaterThan(lastBaseEnd);
    // Steps and provisioners with start and end.
    const spans = (build: string) => record.filter((e) => e.build === build && e.data?.span).map((e) => `${e.data!.span.phase} ${e.data!.span.kind} ${e.data!.span.name}`);
    expect(spans('app')).toEqual([
      'start step connect',
      'end step connect',
      'start step provision',
      'start provisioner shell (provisioners[0])',
      'end provisioner shell (provisioners[0])',
      'start provisioner shell-local (provisioners[1])',
      'end provisioner shell-local (provisioners[1])',
      // The SBOM is listed over the same connection, after the last provisioner.
      'start step sbom',
      'end step sbom',
      'end step provision',
      'start cleanup connect',
      'end cleanup connect',
      // Written once the builder has its artifact.
      'start step sbom and provenance',
      'end step sbom and provenance',
    ]);
    const result = record.find((e) => e.build === 'base-a' && e.data?.build_result)!.data!.build_result;
    // The null builder's artifact is Packer's "Null": nothing exported, but recorded.
    expect(result).toMatchObject({ type: 'null', status: 'ok', artifacts: [{ id: 'Null', files: [] }], api_calls: {} });
    expect(result.ms).toBeGreaterThanOrEqual(300);
    expect(record.at(-1)?.data?.run_end).toMatchObject({ failed: 0 });

    // One log per build, each with only its own lines; one per provisioner run.
    expect(readdirSync(logs).sort()).toEqual(['app', 'app.log', 'bake-run.log', 'base-a', 'base-a.log', 'base-b', 'base-b.log']);
    const logA = readFileSync(join(logs, 'base-a.log'), 'utf8');
    expect(logA).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z: ==> base-a: Starting null build\.\.\./m);
    expect(logA).toContain('hello from base-a token=<sensitive>');
    expect(logA).not.toContain('base-b');
    expect(readdirSync(join(logs, 'app'))).toEqual(['01-shell.log', '02-shell-local.log']);
    expect(readFileSync(join(logs, 'app', '02-shell-local.log'), 'utf8')).toContain('local step');
    expect(readFileSync(join(logs, 'app', '02-shell-local.log'), 'utf8')).not.toContain('app provisioned');
    expect(readFileSync(join(logs, 'bake-run.log'), 'utf8')).toContain('Builds finished.');

    // JUnit: a suite per template, a case per build.
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="bake run [^"]+" tests="3" failures="0" errors="0" skipped="0"/);
    expect(xml).toContain(`<testsuite name="${base}" tests="2" failures="0"`);
    expect(xml).toMatch(/<testcase classname="bake\.app\.json" name="app" time="\d+\.\d{3}">\s*<system-out>did not export anything \(null builder\)<\/system-out>/);

    // Step summary: a row per build, with the template column when there are several.
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('### bake: 3 builds, all succeeded');
    expect(md).toMatch(/\| base-a \| base\.json \| ✅ built \| \d+(ms|s) \| did not export anything \(null builder\) \|/);
    expect(md).toContain(`bake report ${id}`);

    // `bake report` with no argument draws the latest run.
    const page = join(dir, 'report.html');
    const rep = await runBake(['report', '-o', page], { env: { BAKE_RUNS_DIR: runs } });
    expect(rep.stderr).toBe('');
    expect(rep.code).toBe(0);
    const html = readFileSync(page, 'utf8');
    for (const name of ['base-a', 'base-b', 'app']) expect(html).toContain(`data-build="${name}"`);
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  }, 180_000);

  it('stops at a failed stage: later templates are not run, and every report says why', async () => {
    const base = template('base-fail.json', {
      builders: [nullBuild('good'), nullBuild('bad')],
      provisioners: [{ type: 'shell', inline: ['echo step one', 'if [ "{{build_name}}" = bad ]; then echo oops >&2; exit 7; fi'] }],
    });
    const app = template('app-after.json', { builders: [nullBuild('web')], provisioners: [{ type: 'shell', inline: ['echo never'] }] });
    const record = join(dir, 'fail-run.jsonl');
    const junit = join(dir, 'fail-junit.xml');
    const summary = join(dir, 'fail-summary.md');
    const r = await runBake(['build', '-run-log', record, '-report-junit', junit, base, app], { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(1);
    // One annotation, for the build that failed; not one more for each build that therefore did not run.
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([expect.stringMatching(/^::error title=bake%3A bad::.*inline\[1\].*7.*oops.* \(in provisioner shell \(provisioners\[0\]\)\)$/)]);
    expect(r.stdout).not.toContain('never');
    expect(r.stdout).toContain(`--> web: not run: a build of ${base} failed`);
    const events = readRecord(record);
    expect(events.find((e) => e.data?.stage?.template === app)?.data?.stage.builds).toEqual([{ name: 'web', type: 'null', not_run: `not run: a build of ${base} failed` }]);
    const bad = events.find((e) => e.build === 'bad' && e.data?.build_result)!.data!.build_result;
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/inline\[1\].*7/);

    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/tests="3" failures="1" errors="0" skipped="1"/);
    expect(xml).toMatch(/<testcase classname="bake\.base-fail\.json" name="bad" time="[\d.]+">\n\s+<failure message="[^"]*inline\[1\][^"]*\(in provisioner shell \(provisioners\[0\]\)\)" type="BuildError">[^<]*step one[^<]*oops/);
    expect(xml).toContain(`<skipped message="not run: a build of ${base} failed"/>`);

    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('### bake: 3 builds, 1 failed');
    expect(md).toMatch(/\| web \| app-after\.json \| ⏭️ not run \| 0ms \| not run: a build of .* failed \|/);
    expect(md).toMatch(/- \*\*bad\*\* in provisioner `shell \(provisioners\[0\]\)`: .*inline\[1\]/);

    const page = join(dir, 'fail.html');
    const rep = await runBake(['report', record, '-o', page]);
    expect(rep.code).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/<g class="failure">.*<title>failed in provisioner shell \(provisioners\[0\]\): [^<]*inline\[1\]/);
    expect(html).toContain('not run: a build of');
  }, 180_000);

  it('leaves a record up to the moment a killed run died, which `bake report` still draws', async () => {
    const t = template('killed.json', { builders: [nullBuild('long')], provisioners: [{ type: 'shell', inline: ['echo started-long-step', 'sleep 60'] }] });
    const record = join(dir, 'killed.jsonl');
    const r = await runBake(['build', '-run-log', record, t], {
      onStdout: (chunk, child) => {
        // The console line is written before the record's (renderer first); give the record a moment.
        if (chunk.includes('started-long-step')) setTimeout(() => child.kill('SIGKILL'), 500);
      },
    });
    expect(r.signal).toBe('SIGKILL');
    const events = readRecord(record);
    expect(events.some((e) => e.text === 'started-long-step')).toBe(true);
    expect(events.some((e) => e.data?.build_result)).toBe(false);
    const page = join(dir, 'killed.html');
    const rep = await runBake(['report', record, '-o', page]);
    expect(rep.code).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<td class="result unfinished">did not finish</td>');
    expect(html).toMatch(/provisioner: shell \(provisioners\[0\]\) — [\dhms]+ \(still running when the record ends\)/);
  }, 180_000);

  it('keeps the run records within the limits: old ones are pruned', async () => {
    const runs = join(dir, 'pruned-runs');
    const t = template('one.json', { builders: [nullBuild('one')], provisioners: [{ type: 'shell', inline: ['true'] }] });
    const first = await runBake(['build', t], { env: { BAKE_RUNS_DIR: runs } });
    expect(first.code).toBe(0);
    const records = () => readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
    const [old] = records();
    const { utimesSync } = await import('node:fs');
    const longAgo = new Date(Date.now() - 40 * 24 * 3600_000);
    utimesSync(join(runs, old), longAgo, longAgo);
    const second = await runBake(['build', t], { env: { BAKE_RUNS_DIR: runs } });
    expect(second.code).toBe(0);
    const left = records();
    expect(left).toHaveLength(1);
    expect(left[0]).not.toBe(old);
    expect(existsSync(join(runs, old))).toBe(false);
    // The pruned run's folder (its SBOM and provenance copies) goes with its record.
    expect(existsSync(join(runs, old.replace(/\.jsonl$/, '')))).toBe(false);
    expect(readdirSync(runs).sort()).toEqual([left[0], left[0].replace(/\.jsonl$/, '')].sort());
  }, 180_000);
});
