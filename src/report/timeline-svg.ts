import type { SpanKind } from '../core/spans.js';
import { escapeXml as x, shortDuration, templateLabel } from './format.js';
import type { BuildModel, RunModel, SpanModel } from './model.js';

/** Which row of a lane each kind of bar sits in, and its colour. */
export const KINDS: Record<SpanKind, { row: number; color: string; label: string }> = {
  step: { row: 0, color: '#7b93c7', label: 'builder step' },
  cleanup: { row: 0, color: '#b8b8b8', label: 'cleanup' },
  provisioner: { row: 1, color: '#4fae8c', label: 'provisioner' },
  'post-processor': { row: 1, color: '#9bc53d', label: 'post-processor' },
  wait: { row: 2, color: '#f28e2b', label: 'wait' },
  copy: { row: 3, color: '#c979b3', label: 'region copy' },
};

const WIDTH = 1200;
const LABEL = 250;
const ROW = 10;
const ROWS = 4;
const LANE = ROWS * ROW + 14;
const AXIS = 26;
const STAGE = 22;
/** Width of a character of 12px text, near enough to cut text to the room it has. */
const CHAR = 6.2;
const TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400].map((s) => s * 1000);

const STATUS_COLOR: Record<BuildModel['status'], string> = {
  ok: '#2e7d32',
  failed: '#c62828',
  aborted: '#c62828',
  unfinished: '#c62828',
  skipped: '#6d6d6d',
  'not-run': '#6d6d6d',
};

/** The run as one SVG: a time axis, then a lane per build (grouped by template), bars for what took the time. */
export function timelineSvg(run: RunModel): string {
  const wall = Math.max(run.end - run.start, 1000);
  const plot = WIDTH - LABEL - 20;
  const xOf = (t: number) => LABEL + ((t - run.start) / wall) * plot;
  const parts: string[] = [];
  let y = AXIS;
  const several = run.templates.length > 1;
  let template: string | undefined;
  for (const b of run.builds) {
    if (several && b.template !== template) {
      template = b.template;
      parts.push(`<text class="stage" x="4" y="${y + 15}">${x(templateLabel(b.template))}</text><line class="stage-rule" x1="0" x2="${WIDTH}" y1="${y + 20}" y2="${y + 20}"/>`);
      y += STAGE;
    }
    parts.push(lane(b, y, xOf));
    y += LANE;
  }
  const height = y + 6;
  const axis = ticks(wall).map((ms) => {
    const tx = xOf(run.start + ms);
    return `<line class="tick" x1="${tx}" x2="${tx}" y1="${AXIS - 6}" y2="${height}"/><text class="tick-label" x="${tx}" y="${AXIS - 10}">${ms === 0 ? '0' : shortDuration(ms)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="timeline of run ${x(run.id)}">${axis.join('')}${parts.join('')}</svg>`;
}

function lane(b: BuildModel, y: number, xOf: (t: number) => number): string {
  const out: string[] = [`<g class="lane" data-build="${x(b.name)}">`];
  out.push(`<rect class="lane-bg" x="0" y="${y}" width="${WIDTH}" height="${LANE - 4}"/>`);
  const status = b.status === 'ok' ? shortDuration(b.end - b.start) : b.status === 'skipped' ? 'unchanged' : b.status.replace('-', ' ');
  out.push(`<text class="build-name" x="8" y="${y + 16}">${x(clip(b.name, 30))}<title>${x(b.name)}</title></text>`);
  out.push(`<text class="build-meta" x="8" y="${y + 31}">${x(b.type || '?')} · <tspan fill="${STATUS_COLOR[b.status]}">${x(status)}</tspan></text>`);
  for (const s of b.spans) out.push(bar(s, y, xOf));
  if (b.status === 'not-run' || b.status === 'skipped') out.push(note('reason', b.reason ?? '', b.spans.length ? xOf(b.end) + 8 : LABEL + 6, y));
  if (b.failedAt || b.status === 'failed') {
    const fx = xOf(b.failedAt ? b.failedAt.end : b.end);
    const text = `failed${b.failedAt ? ` in ${b.failedAt.kind} ${b.failedAt.name}` : ''}: ${b.error ?? b.failedAt?.error ?? ''}`;
    out.push(`<g class="failure"><line x1="${fx}" x2="${fx}" y1="${y + 1}" y2="${y + LANE - 5}"/><path d="M${fx - 5} ${y + 1}h10l-5 7z"/><title>${x(text)}</title></g>`);
    // The error in the lane itself: after the marker where it fits, else under the bars before it.
    const error = b.error ?? '';
    const fitsRight = fx + 8 + error.length * CHAR < WIDTH - 4 || fx - LABEL - 12 < 200;
    out.push(fitsRight ? note('error-text', error, fx + 8, y) : note('error-text', error, LABEL + 6, y + ROW * 2, fx - LABEL - 12));
  }
  out.push('</g>');
  return out.join('');
}

/** A line of text in a lane, cut to the room it has; the whole text is its tooltip. */
function note(cls: string, text: string, left: number, y: number, room = WIDTH - left - 4): string {
  return `<text class="${cls}" x="${left.toFixed(1)}" y="${y + 24}">${x(clip(text, Math.floor(room / CHAR)))}<title>${x(text)}</title></text>`;
}

function bar(s: SpanModel, y: number, xOf: (t: number) => number): string {
  const kind = KINDS[s.kind];
  const x0 = xOf(s.start);
  const w = Math.max(2, xOf(s.end) - x0);
  const by = y + 4 + kind.row * ROW;
  const polls = s.polls !== undefined ? `, ${s.polls} poll${s.polls === 1 ? '' : 's'}` : '';
  const tip = `${kind.label}: ${s.name} — ${shortDuration(s.end - s.start)}${polls}${s.ok ? '' : s.error ? ` — failed: ${s.error}` : ' — aborted'}${s.open ? ' (still running when the record ends)' : ''}`;
  const text = `${s.name} ${shortDuration(s.end - s.start)}`;
  const label = w > 60 ? `<text class="bar-label" x="${x0 + 3}" y="${by + 7.5}">${x(clip(text, Math.floor(w / 5)))}</text>` : '';
  return `<g class="bar ${s.kind}${s.ok ? '' : ' failed'}"><rect x="${x0.toFixed(1)}" y="${by}" width="${w.toFixed(1)}" height="${ROW - 1}" rx="1.5" fill="${kind.color}"/>${label}<title>${x(tip)}</title></g>`;
}

function ticks(wall: number): number[] {
  const step = TICKS.find((t) => wall / t <= 10) ?? TICKS[TICKS.length - 1];
  const out: number[] = [];
  for (let t = 0; t <= wall; t += step) out.push(t);
  return out;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}
