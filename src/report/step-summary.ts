import { shortDuration, printable, templateLabel } from './format.js';
import type { BuildModel, RunModel } from './model.js';
import { isCloudRun } from './model.js';

const STATUS: Record<BuildModel['status'], string> = {
  ok: '✅ built',
  failed: '❌ failed',
  aborted: '⛔ aborted',
  skipped: '⏭️ unchanged, reused',
  'not-run': '⏭️ not run',
  unfinished: '⛔ unfinished',
};

/** Text for one table cell: one line, no column breaks. */
function cell(text: string): string {
  return printable(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, '<br>');
}

/**
 * The markdown appended to $GITHUB_STEP_SUMMARY: one row per build (status, time, artifacts),
 * then every failure with where it happened, then the run's totals.
 */
export function stepSummary(run: RunModel): string {
  const t = run.totals;
  const failed = run.builds.filter((b) => b.status === 'failed' || b.status === 'aborted' || b.status === 'unfinished');
  const several = run.templates.length > 1;
  const lines = [
    `### bake: ${run.builds.length} build${run.builds.length === 1 ? '' : 's'}, ${failed.length ? `${failed.length} failed` : 'all succeeded'}`,
    '',
    `| build |${several ? ' template |' : ''} result | time | artifacts / reason |`,
    `|---|${several ? '---|' : ''}---|---|---|`,
  ];
  for (const b of run.builds) {
    const detail = b.status === 'ok' ? b.artifacts.map((a) => a.description).join('\n') || 'no artifact' : b.status === 'skipped' || b.status === 'not-run' ? (b.reason ?? '') : (b.error ?? '');
    const skippedArtifacts = b.status === 'skipped' ? `${b.artifacts.map((a) => a.description).join('\n')}\n` : '';
    lines.push(`| ${cell(b.name)} |${several ? ` ${cell(templateLabel(b.template))} |` : ''} ${STATUS[b.status]} | ${shortDuration(b.end - b.start)} | ${cell(skippedArtifacts + detail)} |`);
  }
  if (failed.length) {
    lines.push('', '#### Failures', '');
    for (const b of failed) {
      const where = b.failedAt ? ` in ${b.failedAt.kind} \`${cell(b.failedAt.name)}\`` : '';
      lines.push(`- **${cell(b.name)}**${where}: ${cell(b.error ?? 'did not finish')}`);
    }
  }
  const diffs = run.builds.filter((b) => b.sbom);
  if (diffs.length) {
    lines.push('', '#### Packages', '');
    for (const b of diffs) lines.push(`- **${cell(b.name)}**: ${b.sbom!.packages} packages${b.sbomDiff ? `; ${cell(b.sbomDiff.summary)} since run \`${b.sbomDiff.against_run}\`` : ''}`);
  }
  lines.push(
    '',
    `Wall time ${shortDuration(t.wallMs)} · waiting${isCloudRun(run) ? ' on the cloud' : ''} ${shortDuration(t.waitMs)} · provisioning ${shortDuration(t.provisionMs)}${isCloudRun(run) ? ` · ${t.apiCalls} API calls` : ''} · run \`${run.id}\` (\`bake report ${run.id}\` draws its timeline)`,
    '',
  );
  return lines.join('\n');
}
