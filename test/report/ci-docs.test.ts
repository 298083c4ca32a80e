import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BAKE_BIN } from '../helpers/run-bake.js';

/**
 * The pipelines in docs/ci.md, checked as far as a machine without GitHub or GitLab can: they
 * parse as YAML, and their shell steps run here with `bake` being this checkout: the plan step
 * makes the matrices, the jq program makes the GitLab child pipeline, and the per-image job's
 * commands build, report and clean up. The builds are null builds with shell-local provisioners.
 */
const doc = readFileSync(fileURLToPath(new URL('../../docs/ci.md', import.meta.url)), 'utf8');
const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as Record<string, any>);
const [workflow, bakeOne, gitlab] = blocks;
let dir: string;
let env: NodeJS.ProcessEnv;

/** Runs a step's shell script as CI would (bash -e), with `bake` on PATH. */
function sh(script: string, extra: Record<string, string> = {}): string {
  return execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bake-ci-docs-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'images'));
  writeFileSync(join(dir, 'bin', 'bake'), `#!/bin/sh\nexec "${process.execPath}" "${BAKE_BIN}" "$@"\n`);
  chmodSync(join(dir, 'bin', 'bake'), 0o755);
  const build = (name: string) => ({ type: 'null', name, communicator: 'none' });
  const provisioners = [{ type: 'shell-local', inline: ['echo baking {{build_name}}'] }];
  writeFileSync(join(dir, 'images', 'base.json'), JSON.stringify({ builders: [build('base')], provisioners }));
  writeFileSync(join(dir, 'images', 'apps.json'), JSON.stringify({ builders: [build('web'), build('api')], provisioners }));
  const { GITHUB_STEP_SUMMARY: _s, GITHUB_ACTIONS: _a, ...rest } = process.env;
  env = { ...rest, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, NO_COLOR: '1', BAKE_CACHE_DIR: join(dir, '.bake') };
});

describe('docs/ci.md', () => {
  it('has the GitHub workflow, the reusable per-image job and the GitLab pipeline, as YAML', () => {
    expect(blocks).toHaveLength(3);
    expect(Object.keys(workflow.jobs)).toEqual(['plan', 'base', 'apps']);
    expect(workflow.jobs.apps.needs).toEqual(['plan', 'base']);
    expect(bakeOne.on.workflow_call.inputs).toHaveProperty('template');
    expect(Object.keys(gitlab)).toEqual(['stages', 'workflow', 'plan', 'bake']);
  });

  it("GitHub: the plan step's outputs are one matrix per template", () => {
    const step = workflow.jobs.plan.steps.find((s: { id?: string }) => s.id === 'plan');
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    sh(step.run, { GITHUB_OUTPUT: output });
    const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1))]));
    expect(outputs.base.include.map((b: { name: string }) => b.name)).toEqual(['base']);
    expect(outputs.apps.include.map((b: { name: string; template: string; skip: boolean }) => [b.name, b.template, b.skip])).toEqual([
      ['web', 'images/apps.json', false],
      ['api', 'images/apps.json', false],
    ]);
  });

  it("GitHub: the per-image job's steps build one image, draw the report and clean up", () => {
    const steps = bakeOne.jobs.build.steps.filter((s: { run?: string }) => s.run && !s.run.startsWith('npm install'));
    const inputs = (s: string) => s.replace(/\$\{\{ inputs\.name \}\}/g, 'web').replace(/\$\{\{ inputs\.template \}\}/g, 'images/apps.json');
    for (const step of steps) sh(inputs(step.run), { GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_ACTIONS: 'true' });
    expect(readFileSync(join(dir, 'logs', 'web.log'), 'utf8')).toContain('baking web');
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/<testcase classname="bake\.apps\.json" name="web"/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('data-build="web"');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toContain('data-build="api"');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('| web | ✅ built |');
  });

  it('GitLab: the jq program turns the plan into a child pipeline with a stage per template', () => {
    const jq = (() => {
      try {
        return execFileSync('jq', ['--version'], { encoding: 'utf8' }).trim();
      } catch {
        return undefined;
      }
    })();
    expect(jq, 'jq is needed (scripts/setup-host.sh installs it)').toBeDefined();
    const script: string[] = gitlab.plan.script;
    for (const line of script) sh(line);
    const child = JSON.parse(readFileSync(join(dir, 'child-pipeline.json'), 'utf8'));
    expect(child.stages).toEqual(['stage-0', 'stage-1']);
    expect(Object.keys(child).filter((k) => k !== 'stages')).toEqual(['bake base', 'bake web', 'bake api']);
    const job = child['bake web'];
    expect(job).toMatchObject({ stage: 'stage-1', resource_group: 'bake-web', artifacts: { when: 'always', reports: { junit: 'junit.xml' } } });
    // The job's commands, as GitLab runs them: script, then after_script in a new shell.
    const cleanEnv = { BAKE_CACHE_DIR: join(dir, '.bake-gitlab') };
    sh(job.script.join('\n'), cleanEnv);
    sh(job.after_script.filter((l: string) => !l.startsWith('source ')).join('\n'), cleanEnv);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/name="web"/);
  });
});
