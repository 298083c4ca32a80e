import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultCacheDir } from '../../core/journal.js';
import { sleep } from '../../core/wait.js';
import { isKvmDeadState, kvmFailureLine } from './kvm.js';
import type { QemuProcess } from './qemu-process.js';
import type { QmpClient } from './qmp.js';

/**
 * Whether the guest's program counter (from HMP "info registers") is in firmware: the BIOS and
 * option ROMs below 1 MiB, or the reset vector's high alias. Undefined when it cannot be read.
 */
export function pcInFirmware(registers: string): boolean | undefined {
  const rip = /\b[RE]IP=([0-9a-f]+)/i.exec(registers);
  const cs = /^CS\s*=\s*[0-9a-f]+\s+([0-9a-f]+)/im.exec(registers);
  if (!rip || !cs) return undefined;
  const pc = BigInt(`0x${cs[1]}`) + BigInt(`0x${rip[1]}`);
  return (pc >= 0xc0000n && pc < 0x100000n) || (pc >= 0xfffc0000n && pc < 0x100000000n);
}

export type KvmVerdict = { works: true } | { works: false; why: string };

/**
 * Watches a guest just started under KVM. Working KVM leaves the firmware within a second; a
 * nested /dev/kvm without real virtualisation dies with an internal error or crawls through the
 * BIOS for minutes. Either is noticed within `windowMs`.
 */
export async function probeKvm(qemu: QemuProcess, qmp: QmpClient, signal: AbortSignal, windowMs = 5000): Promise<KvmVerdict> {
  const deadline = Date.now() + windowMs;
  while (Date.now() < deadline) {
    const failure = kvmFailureLine(qemu.output());
    if (failure) return { works: false, why: failure };
    if (!qemu.running) return { works: false, why: `QEMU exited under KVM: ${qemu.lastLines() || 'no output'}` };
    try {
      const status = await qmp.status();
      if (isKvmDeadState(status)) return { works: false, why: `guest stopped with status "${status}"` };
      const registers = await qmp.execute<string>('human-monitor-command', { 'command-line': 'info registers' });
      if (pcInFirmware(registers) === false) return { works: true };
    } catch {
      return { works: false, why: `QEMU stopped answering under KVM: ${qemu.lastLines() || 'no output'}` };
    }
    await sleep(100, signal);
  }
  return { works: false, why: `the guest was still in its firmware after ${windowMs / 1000}s` };
}

/** Remembered per boot of this host, so only the first build after a reboot pays for the probe. */
function verdictPath(): string {
  return join(defaultCacheDir(), 'kvm-verdict.json');
}

function bootKey(): string {
  const id = existsSync('/proc/sys/kernel/random/boot_id') ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() : '';
  return `${hostname()}:${id}`;
}

export function rememberedKvmFailure(): string | undefined {
  try {
    const saved = JSON.parse(readFileSync(verdictPath(), 'utf8')) as { key: string; why: string };
    return saved.key === bootKey() ? saved.why : undefined;
  } catch {
    return undefined;
  }
}

export function rememberKvmFailure(why: string): void {
  mkdirSync(dirname(verdictPath()), { recursive: true });
  writeFileSync(verdictPath(), JSON.stringify({ key: bootKey(), why }));
}
