import { escapeXml as x, shortDuration, templateLabel } from './format.js';
import type { BuildModel, RunModel } from './model.js';
import { coveredMs, isCloudRun } from './model.js';
import { KINDS, timelineSvg } from './timeline-svg.js';

const STATUS_TEXT: Record<BuildModel['status'], string> = {
  ok: 'built',
  failed: 'failed',
  aborted: 'aborted',
  unfinished: 'did not finish',
  skipped: 'unchanged, reused',
  'not-run': 'not run',
};

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d1d1f;background:#fafafa}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.sub{color:#555;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}.card span{color:#555;font-size:12px}
.bad b{color:#c62828}
.timeline{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px;overflow-x:auto}
.timeline svg{width:100%;height:auto;min-width:900px;font-family:inherit}
.lane-bg{fill:#f5f6f8}.lane:nth-of-type(odd) .lane-bg{fill:#fff}
.build-name{font-size:13px;font-weight:600}.build-meta{font-size:11px;fill:#555}
.stage{font-size:12px;font-weight:700;fill:#333}.stage-rule{stroke:#999;stroke-width:.5}
.tick{stroke:#e2e2e2;stroke-width:1}.tick-label{font-size:10px;fill:#777;text-anchor:middle}
.bar-label{font-size:8px;fill:#fff;pointer-events:none}
.bar.failed rect{stroke:#c62828;stroke-width:1.5}
.failure line{stroke:#c62828;stroke-width:2}.failure path{fill:#c62828}
.reason{font-size:12px;fill:#6d6d6d;font-style:italic}.error-text{font-size:12px;fill:#c62828}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0 0;font-size:12px;color:#444}
.legend i{display:inline-block;width:12px;height:9px;border-radius:2px;margin-right:4px;vertical-align:middle}
table{border-collapse:collapse;background:#fff;width:100%;table-layout:fixed}
th.w{width:130px}th.n{width:80px}td{overflow-wrap:anywhere}
th,td{border:1px solid #ddd;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}
td.failed,td.aborted,td.unfinished{color:#c62828;font-weight:600}td.ok{color:#2e7d32}td.skipped,td.not-run{color:#6d6d6d}
.err{color:#c62828;white-space:pre-wrap}
pre{background:#1e1e1e;color:#ddd;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;margin:6px 0 0}
details summary{cursor:pointer;color:#333}
.pkg-diff ul{margin:4px 0;padding-left:18px;font-family:ui-monospace,monospace;font-size:12px}
.pkg-diff .added{color:#2e7d32}.pkg-diff .removed{color:#c62828}.incomplete{color:#c62828}
`;

/**
 * `bake report`: one self-contained HTML page (inline CSS and SVG, no script, nothing fetched):
 * totals, the timeline with a lane per build, then a row per build with its error, the reason it
 * was skipped, its artifacts, API calls and the last lines of its log.
 */
export function reportHtml(run: RunModel): string {
  const t = run.totals;
  const bad = t.builds.failed + t.builds.aborted + t.builds.unfinished;
  const cloud = isCloudRun(run);
  const cards = [
    card(shortDuration(t.wallMs), 'wall time'),
    card(`${run.builds.length}`, `builds: ${t.builds.ok} built, ${t.builds.skipped} reused, ${t.builds['not-run']} not run`),
    card(`${bad}`, 'failed', bad > 0),
    card(shortDuration(t.waitMs), `waiting${cloud ? ' on the cloud' : ''} (sum over builds)`),
    card(shortDuration(t.provisionMs), 'provisioning (sum over builds)'),
    // A run of local builds (qemu, chroot, null) has no cloud to count calls to.
    ...(cloud ? [card(`${t.apiCalls}`, 'cloud API calls')] : []),
  ];
  const legend = Object.values(KINDS)
    .map((k) => `<span><i style="background:${k.color}"></i>${x(k.label)}</span>`)
    .concat('<span><i style="background:#c62828"></i>failure</span>')
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>bake run ${x(run.id)}</title><style>${CSS}</style></head>
<body>
<h1>bake run ${x(run.id)}</h1>
<p class="sub">started ${x(new Date(run.start).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))} · ${run.templates.map((p) => x(p)).join(' → ') || 'template unknown'}</p>
<div class="cards">${cards.join('')}</div>
<h2>Timeline</h2>
<div class="timeline">${timelineSvg(run)}<div class="legend">${legend}</div></div>
<h2>Builds</h2>
<table><thead><tr><th class="w">build</th>${run.templates.length > 1 ? '<th class="w">template</th>' : ''}<th class="w">result</th><th class="n">time</th><th class="n">waiting</th><th>details</th></tr></thead>
<tbody>${run.builds.map((b) => row(b, run.templates.length > 1)).join('')}</tbody></table>
</body></html>
`;
}

/** The package count, and what changed since the previous build of the same name as a list to open. */
function packages(b: BuildModel): string {
  const s = b.sbom!;
  const count = `<span class="pkg-count">${s.packages} packages</span>${s.complete ? '' : ' <b class="incomplete">(incomplete)</b>'}`;
  const d = b.sbomDiff;
  if (!d) return `<div class="sbom">${count}</div>`;
  const items = [
    ...d.added.map((p) => `<li class="added">+ ${x(p.name)} ${x(p.version)}</li>`),
    ...d.removed.map((p) => `<li class="removed">− ${x(p.name)} ${x(p.version)}</li>`),
    ...d.changed.map((c) => `<li class="changed">${x(c.name)} ${x(c.from)} → ${x(c.to)}</li>`),
  ];
  const summary = `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed since run ${x(d.against_run)}`;
  if (items.length === 0) return `<div class="sbom">${count} · no package changed since run ${x(d.against_run)}</div>`;
  return `<div class="sbom">${count}<details class="pkg-diff"><summary>${summary}</summary><ul>${items.join('')}</ul></details></div>`;
}

function card(value: string, label: string, bad = false): string {
  return `<div class="card${bad ? ' bad' : ''}"><b>${x(value)}</b><span>${x(label)}</span></div>`;
}

function row(b: BuildModel, several: boolean): string {
  const details: string[] = [];
  if (b.error) details.push(`<div class="err">${b.failedAt ? `in ${x(b.failedAt.kind)} <b>${x(b.failedAt.name)}</b>: ` : ''}${x(b.error)}</div>`);
  if (b.reason) details.push(`<div>${x(b.reason)}</div>`);
  for (const a of b.artifacts) details.push(`<div>${x(a.description)}</div>`);
  if (b.sbom) details.push(packages(b));
  const calls = Object.entries(b.apiCalls);
  if (calls.length) {
    const total = calls.reduce((n, [, c]) => n + c, 0);
    details.push(`<details><summary>${total} API calls</summary>${x(calls.map(([api, n]) => `${api} ×${n}`).join(', '))}</details>`);
  }
  if (b.tail.length) details.push(`<details${b.error ? ' open' : ''}><summary>last ${b.tail.length} log lines</summary><pre>${x(b.tail.join('\n'))}</pre></details>`);
  const waits = b.spans.filter((s) => s.kind === 'wait' || s.kind === 'copy');
  return `<tr id="build-${x(b.key.replace(/\W+/g, '-'))}"><td>${x(b.name)}<br><small>${x(b.type)}</small></td>${several ? `<td>${x(templateLabel(b.template))}</td>` : ''}<td class="result ${b.status}">${STATUS_TEXT[b.status]}</td><td>${shortDuration(b.end - b.start)}</td><td>${waits.length ? `${shortDuration(coveredMs(waits))} (${waits.length})` : '–'}</td><td>${details.join('')}</td></tr>`;
}
