import { openSync, writeSync } from 'node:fs';
import type { EventBus } from '../core/events.js';
import { humanRenderer } from '../core/render-human.js';

/**
 * Packer's PACKER_LOG / PACKER_LOG_PATH, so a CI job written for Packer keeps its debug logs:
 * PACKER_LOG set to anything but "" or "0" turns debug logging on; with PACKER_LOG_PATH as well,
 * the debug log goes to that file (truncated, as Packer does) and the console stays as it was.
 */
export function packerLog(env: NodeJS.ProcessEnv = process.env): { on: boolean; path?: string } {
  const on = Boolean(env.PACKER_LOG) && env.PACKER_LOG !== '0';
  return on && env.PACKER_LOG_PATH ? { on, path: env.PACKER_LOG_PATH } : { on };
}

/** Writes every event, debug lines included, timestamped and without colours, to PACKER_LOG_PATH. */
export function logToPackerLogPath(bus: EventBus, path: string): void {
  const fd = openSync(path, 'w');
  // Synchronous writes: the lines are on disk even when the run is killed.
  const out = { write: (s: string) => (writeSync(fd, s), true) } as unknown as NodeJS.WritableStream;
  bus.on(humanRenderer({ out, color: false, timestamps: true, debug: true }));
}
