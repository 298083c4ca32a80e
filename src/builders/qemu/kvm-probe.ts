import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultCacheDir } from '../../core/journal.js';
import { sleep } from '../../core/wait.js';
import { isKvmDeadState, kvmFailureLine } from './kvm.js';
import type { QemuProcess } from './qemu-process.js';
import type { QmpClient } from './qmp.js';

/**
 * Whether the guest runs 64-bit code (HMP "info registers" shows RIP and a CS64 segment only in
 * long mode): a Linux kernel gets there within a second or two of power-on; BIOS firmware and
 * boot loaders never do. UEFI firmware (efi_boot) runs 64-bit itself, which shows KVM working as well.
 */
export function inLongMode(registers: string): boolean {
  return /\bRIP=/.test(registers) && /\bCS64\b/.test(registers);
}

export type KvmVerdict = { works: true } | { works: false; why: string };

/**
 * Watches a guest just started under KVM. With working KVM the kernel is running 64-bit code a
 * second or two after power-on (boot loader timeouts included); a nested /dev/kvm without real
 * virtualisation dies with an internal error or crawls through the BIOS for minutes. Either is
 * noticed within `windowMs`.
 */
export async function probeKvm(
  qemu: QemuProcess,
  qmp: QmpClient,
  signal: AbortSignal,
  { windowMs = 10_000, requireLongMode = true }: { windowMs?: number; requireLongMode?: boolean } = {},
): Promise<KvmVerdict> {
  const deadline = Date.now() + windowMs;
  while (Date.now() < deadline) {
    const failure = kvmFailureLine(qemu.output());
    if (failure) return { works: false, why: failure };
    if (!qemu.running) return { works: false, why: `QEMU exited under KVM: ${qemu.lastLines() || 'no output'}` };
    try {
      const status = await qmp.status();
      if (isKvmDeadState(status)) return { works: false, why: `guest stopped with status "${status}"` };
      if (requireLongMode) {
        const registers = await qmp.execute<string>('human-monitor-command', { 'command-line': 'info registers' });
        if (inLongMode(registers)) return { works: true };
      }
    } catch {
      return { works: false, why: `QEMU stopped answering under KVM: ${qemu.lastLines() || 'no output'}` };
    }
    await sleep(100, signal);
  }
  return requireLongMode ? { works: false, why: `the guest had not reached its kernel after ${windowMs / 1000}s` } : { works: true };
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
