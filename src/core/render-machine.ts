import type { BakeEvent } from './events.js';

/** -machine-readable: one JSON object per line, for CI and scripts. */
export function machineRenderer(out: NodeJS.WritableStream, debug: boolean): (e: BakeEvent) => void {
  return (e) => {
    if (e.level === 'debug' && !debug) return;
    out.write(
      JSON.stringify({
        time: e.time.toISOString(),
        build: e.build,
        level: e.level,
        text: e.text,
        ...(e.progress ? { progress: e.progress } : {}),
        ...(e.data ? { data: e.data } : {}),
      }) + '\n',
    );
  };
}
