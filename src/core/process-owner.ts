import { readFileSync } from 'node:fs';

/**
 * The process that owns a build's journal entries. A pid alone is reused; with the process's start
 * time (in clock ticks since boot, /proc/<pid>/stat field 22) and the boot it started in, a pid
 * names one process for ever, so `bake cleanup` can tell a build still running from a dead one.
 */
export interface ProcessOwner {
  pid: number;
  /** /proc/<pid>/stat's starttime. */
  start: string;
  /** /proc/sys/kernel/random/boot_id. */
  boot: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** starttime of a process, or undefined when it does not exist (or /proc is not Linux's). */
export function processStartTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 is fields[19].
  return fields[19];
}

export function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id')?.trim();
}

let self: ProcessOwner | null | undefined;

/** This process, as the journal records it; null where /proc cannot say (then no entry has an owner). */
export function currentOwner(): ProcessOwner | null {
  if (self === undefined) {
    const start = processStartTime(process.pid);
    const boot = bootId();
    self = start && boot ? { pid: process.pid, start, boot } : null;
  }
  return self;
}

/** Whether the owning process still runs: same boot, and its pid still names the process that started then. */
export function ownerAlive(owner: ProcessOwner | undefined): boolean {
  if (!owner) return false;
  if (owner.boot !== bootId()) return false;
  return processStartTime(owner.pid) === owner.start;
}
