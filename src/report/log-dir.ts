import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BakeEvent } from '../core/events.js';
import { humanRenderer } from '../core/render-human.js';
import type { SpanData } from '../core/spans.js';

export interface LogDirOptions {
  dir: string;
  /** Also one file per provisioner run: DIR/<build>/<n>-<type>.log. */
  perProvisioner: boolean;
  debug: boolean;
}

/** A file name that is safe on every file system, from a build or provisioner name. */
export function logFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_') || '_';
}

/**
 * `-log-dir DIR`: one plain log per build (DIR/<build>.log, timestamped, no colours), the lines
 * the console shows for that build, so parallel builds read separately; run-level lines (the
 * summary) go to DIR/bake-run.log. Files are appended to synchronously, as lines arrive.
 */
export class LogDir {
  private readonly files = new Map<string, { fd: number; render: (e: BakeEvent) => void }>();
  private readonly provisionerFile = new Map<string, string>();
  private readonly provisionerCount = new Map<string, number>();

  constructor(private readonly options: LogDirOptions) {
    mkdirSync(options.dir, { recursive: true });
  }

  readonly listener = (e: BakeEvent): void => {
    const key = e.build ? `${logFileName(e.build)}.log` : 'bake-run.log';
    this.file(key).render(e);
    if (!this.options.perProvisioner || !e.build) return;
    const span = e.data?.span as SpanData | undefined;
    if (span?.kind === 'provisioner' && span.phase === 'start') {
      const n = (this.provisionerCount.get(e.build) ?? 0) + 1;
      this.provisionerCount.set(e.build, n);
      mkdirSync(join(this.options.dir, logFileName(e.build)), { recursive: true });
      this.provisionerFile.set(e.build, join(logFileName(e.build), `${String(n).padStart(2, '0')}-${logFileName(span.name.replace(/ \(.*\)$/, ''))}.log`));
    }
    const current = this.provisionerFile.get(e.build);
    if (current) this.file(current).render(e);
    if (span?.kind === 'provisioner' && span.phase === 'end') this.provisionerFile.delete(e.build);
  };

  close(): void {
    for (const f of this.files.values()) closeSync(f.fd);
    this.files.clear();
  }

  private file(relative: string) {
    let f = this.files.get(relative);
    if (!f) {
      const fd = openSync(join(this.options.dir, relative), 'a');
      // The human renderer writes to a stream; a synchronous one keeps lines on disk if the run dies.
      const out = { write: (s: string) => (writeSync(fd, s), true) } as unknown as NodeJS.WritableStream;
      f = { fd, render: humanRenderer({ out, color: false, timestamps: true, debug: this.options.debug }) };
      this.files.set(relative, f);
    }
    return f;
  }
}
