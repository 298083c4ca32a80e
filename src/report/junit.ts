import { escapeXml, templateLabel } from './format.js';
import type { BuildModel, RunModel } from './model.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * `-report-junit FILE`: one test suite per template, one test case per build, in the JUnit XML
 * that Jenkins, GitLab and GitHub test reporters read. A failed build is a <failure> with its
 * error and the last lines of its log; an aborted one an <error>; a build that did not run, or
 * reused an unchanged image, is <skipped> with the reason.
 */
export function junitXml(run: RunModel): string {
  const templates = [...new Set(run.builds.map((b) => b.template))];
  const count = (builds: BuildModel[], pred: (b: BuildModel) => boolean) => builds.filter(pred).length;
  const suites = templates.map((template) => {
    const builds = run.builds.filter((b) => b.template === template);
    const time = builds.reduce((ms, b) => ms + (b.end - b.start), 0);
    const attrs = `name="${escapeXml(template || 'bake')}" tests="${builds.length}" failures="${count(builds, (b) => b.status === 'failed')}" errors="${count(builds, isError)}" skipped="${count(builds, isSkipped)}" time="${seconds(time)}" timestamp="${new Date(run.start).toISOString().replace(/\.\d+Z$/, '')}"`;
    return `  <testsuite ${attrs}>\n${builds.map(testCase).join('')}  </testsuite>\n`;
  });
  const all = run.builds;
  const head = `<testsuites name="bake run ${escapeXml(run.id)}" tests="${all.length}" failures="${count(all, (b) => b.status === 'failed')}" errors="${count(all, isError)}" skipped="${count(all, isSkipped)}" time="${seconds(run.totals.wallMs)}">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join('')}</testsuites>\n`;
}

const isError = (b: BuildModel) => b.status === 'aborted' || b.status === 'unfinished';
const isSkipped = (b: BuildModel) => b.status === 'skipped' || b.status === 'not-run';

function testCase(b: BuildModel): string {
  const open = `    <testcase classname="bake.${escapeXml(templateLabel(b.template) || 'template')}" name="${escapeXml(b.name)}" time="${seconds(b.end - b.start)}"`;
  const log = b.tail.length ? escapeXml(b.tail.join('\n')) : '';
  const where = b.failedAt ? ` (in ${b.failedAt.kind} ${b.failedAt.name})` : '';
  const out = b.artifacts.length ? `      <system-out>${escapeXml(b.artifacts.map((a) => a.description).join('\n'))}</system-out>\n` : '';
  switch (b.status) {
    case 'failed':
      return `${open}>\n      <failure message="${escapeXml(`${b.error ?? 'failed'}${where}`)}" type="BuildError">${log}</failure>\n${out}    </testcase>\n`;
    case 'aborted':
    case 'unfinished':
      return `${open}>\n      <error message="${escapeXml(b.error ?? 'the run ended before this build finished')}" type="Aborted">${log}</error>\n    </testcase>\n`;
    case 'skipped':
    case 'not-run':
      return `${open}>\n      <skipped message="${escapeXml(b.reason ?? b.status)}"/>\n${out}    </testcase>\n`;
    default:
      return out ? `${open}>\n${out}    </testcase>\n` : `${open}/>\n`;
  }
}
