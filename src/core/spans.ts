import { errorText, isAbort } from './errors.js';
import type { Logger } from './events.js';

/** What a bar in the run report stands for. */
export type SpanKind = 'step' | 'cleanup' | 'provisioner' | 'wait' | 'copy' | 'post-processor';

/** `data.span` of a span's start and end events in the run record. */
export interface SpanData {
  /** Unique within the build: pairs an end with its start. */
  id: number;
  kind: SpanKind;
  name: string;
  phase: 'start' | 'end';
  /** End only. */
  ms?: number;
  ok?: boolean;
  aborted?: boolean;
  error?: string;
  /** Waits: how many times the condition was checked. */
  polls?: number;
}

let nextId = 1;

/** A span in progress: facts its end event carries, filled in while it runs. */
export interface OpenSpan {
  polls?: number;
}

/**
 * Runs `fn` between a start and an end event (debug level, so the console shows them only with
 * -debug; the run record keeps them all). The end says how long it took and how it ended.
 */
export async function span<T>(log: Logger | undefined, kind: SpanKind, name: string, fn: (open: OpenSpan) => Promise<T>): Promise<T> {
  if (!log) return fn({});
  const id = nextId++;
  const started = Date.now();
  const open: OpenSpan = {};
  const emit = (text: string, data: SpanData) => log.bus.emit({ build: log.build, level: 'debug', text, data: { span: data } });
  emit(`${kind} ${name}: started`, { id, kind, name, phase: 'start' });
  try {
    const value = await fn(open);
    emit(`${kind} ${name}: done`, { id, kind, name, phase: 'end', ms: Date.now() - started, ok: true, ...polls(open) });
    return value;
  } catch (err) {
    const aborted = isAbort(err);
    const error = errorText(err);
    emit(`${kind} ${name}: ${aborted ? 'aborted' : `failed: ${error}`}`, { id, kind, name, phase: 'end', ms: Date.now() - started, ok: false, ...(aborted ? { aborted } : {}), error, ...polls(open) });
    throw err;
  }
}

function polls(open: OpenSpan): { polls?: number } {
  return open.polls === undefined ? {} : { polls: open.polls };
}
