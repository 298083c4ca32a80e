import { EventBus } from '../core/events.js';
import { humanRenderer } from '../core/render-human.js';
import { machineRenderer } from '../core/render-machine.js';
import { logToPackerLogPath, packerLog } from './packer-log.js';

export interface OutputFlags {
  machineReadable?: boolean;
  color?: boolean;
  timestampUi?: boolean;
  debug?: boolean;
}

/** The event bus with the renderer the flags ask for, writing to stdout (and PACKER_LOG_PATH when set). */
export function makeBus(flags: OutputFlags): EventBus {
  const bus = new EventBus();
  const log = packerLog();
  if (log.path) logToPackerLogPath(bus, log.path);
  else if (log.on) flags = { ...flags, debug: true };
  const colorWanted = flags.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  bus.on(
    flags.machineReadable
      ? machineRenderer(process.stdout, flags.debug ?? false)
      : humanRenderer({ out: process.stdout, color: colorWanted, timestamps: flags.timestampUi ?? false, debug: flags.debug ?? false }),
  );
  return bus;
}
