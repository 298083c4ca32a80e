import type { BakeEvent } from './events.js';

/** One event as a JSON-ready object: the line format of -machine-readable and of run records. */
export function eventRecord(e: BakeEvent): EventRecord {
  return {
    time: e.time.toISOString(),
    build: e.build,
    level: e.level,
    text: e.text,
    ...(e.progress ? { progress: e.progress } : {}),
    ...(e.data ? { data: e.data } : {}),
  };
}

export interface EventRecord {
  time: string;
  build: string;
  level: BakeEvent['level'];
  text: string;
  progress?: BakeEvent['progress'];
  data?: Record<string, unknown>;
}

/** -machine-readable: one JSON object per line, for CI and scripts. */
export function machineRenderer(out: NodeJS.WritableStream, debug: boolean): (e: BakeEvent) => void {
  return (e) => {
    if (e.level === 'debug' && !debug) return;
    out.write(JSON.stringify(eventRecord(e)) + '\n');
  };
}
