import type { BakeEvent, Progress } from './events.js';

export interface HumanOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  color: boolean;
  timestamps: boolean;
  debug: boolean;
}

const COLORS = [32, 36, 35, 34, 33]; // green, cyan, magenta, blue, yellow — one per build, as Packer does

/**
 * Packer-style lines: "==> build: step" for headlines, "    build: detail" beneath. On a TTY,
 * progress is one bar redrawn in place; elsewhere (CI logs) a line at each quarter.
 */
export function humanRenderer(options: HumanOptions): (e: BakeEvent) => void {
  const buildColors = new Map<string, number>();
  const lastQuarter = new Map<string, number>();
  let barShown = false;
  const tty = options.out.isTTY === true;

  const paint = (code: number, text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const colorOf = (build: string) => {
    if (!buildColors.has(build)) buildColors.set(build, COLORS[buildColors.size % COLORS.length]);
    return buildColors.get(build)!;
  };
  const write = (line: string) => {
    if (barShown) {
      options.out.write('\r\x1b[K');
      barShown = false;
    }
    options.out.write(line + '\n');
  };

  return (e) => {
    if (e.level === 'debug' && !options.debug) return;
    const stamp = options.timestamps ? `${e.time.toISOString()}: ` : '';
    if (e.progress) {
      const key = `${e.build}\u0000${e.progress.label}`;
      if (tty) {
        if (e.progress.done) {
          write(stamp + lineFor(e, `${e.text} ${describe(e.progress)}`));
          return;
        }
        options.out.write('\r\x1b[K' + stamp + lineFor(e, `${e.text} ${bar(e.progress, options.out.columns ?? 80)}`));
        barShown = true;
        return;
      }
      const quarter = e.progress.total ? Math.min(4, Math.floor((4 * e.progress.current) / e.progress.total)) : -1;
      // A line per quarter; the closing "done" line only if 100% was not printed already.
      if (quarter === lastQuarter.get(key) && (quarter >= 0 || !e.progress.done)) return;
      if (!e.progress.done && quarter < 0) return;
      lastQuarter.set(key, quarter);
      write(stamp + lineFor(e, `${e.text} ${describe(e.progress)}`));
      return;
    }
    write(stamp + lineFor(e, e.text));
  };

  function lineFor(e: BakeEvent, text: string): string {
    const name = e.build ? paint(1, paint(colorOf(e.build), e.build)) + ': ' : '';
    switch (e.level) {
      case 'say':
        return paint(1, `==> `) + name + text;
      case 'error':
        return paint(31, `==> ${e.build ? e.build + ': ' : ''}${text}`);
      case 'warn':
        return paint(33, `==> ${e.build ? e.build + ': ' : ''}Warning: ${text}`);
      default:
        // Run-level detail lines (the closing artifact list) stand flush left, as in Packer.
        return e.build ? `    ${name}${text}` : text;
    }
  }
}

function describe(p: Progress): string {
  if (p.total && p.unit === 'bytes') return `${formatBytes(p.current)} / ${formatBytes(p.total)} (${pct(p)}%)`;
  if (p.unit === 'seconds') return `(${Math.round(p.current)}s${p.total ? ` of ${Math.round(p.total)}s` : ''})`;
  if (p.total) return `${pct(p)}%`;
  return String(p.current);
}

function pct(p: Progress): number {
  return p.total ? Math.min(100, Math.floor((100 * p.current) / p.total)) : 0;
}

function bar(p: Progress, columns: number): string {
  if (!p.total) return describe(p);
  const width = Math.max(10, Math.min(40, columns - 60));
  const filled = Math.round((width * Math.min(p.current, p.total)) / p.total);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${describe(p)}`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
