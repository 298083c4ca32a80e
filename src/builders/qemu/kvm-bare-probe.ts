import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../core/wait.js';
import { isKvmDeadState, kvmFailureLine } from './kvm.js';
import type { KvmVerdict } from './kvm-probe.js';
import { QemuProcess } from './qemu-process.js';
import { QmpClient } from './qmp.js';
import type { ResolvedQemu } from './resolve.js';

/**
 * Tells a QEMU that died at start because of KVM from one that died because of the build's own
 * arguments (a bad qemuargs entry, a missing disk, a port in use): the same binary, machine and
 * CPU under KVM, with no disk, network or template arguments. If this one dies too, KVM is the
 * cause; if it runs, the build's own arguments are.
 */
export async function bareKvmProbe(
  c: Pick<ResolvedQemu, 'qemuBinary' | 'machineType' | 'cpuModel' | 'cpus'>,
  signal: AbortSignal,
  watchMs = 1500,
): Promise<KvmVerdict> {
  const dir = mkdtempSync(join(tmpdir(), 'bake-kvm-probe-'));
  const socket = join(dir, 'qmp.sock');
  const argv = [
    '-machine', `${c.machineType},accel=kvm`,
    '-cpu', c.cpuModel ?? 'host',
    '-smp', String(c.cpus),
    '-m', '128M',
    '-nodefaults', '-no-user-config',
    '-display', 'none',
    '-qmp', `unix:${socket},server=on,wait=off`,
  ];
  const qemu = await QemuProcess.start(c.qemuBinary, argv);
  const died = (): KvmVerdict => ({ works: false, why: kvmFailureLine(qemu.output()) ?? (qemu.lastLines() || 'QEMU exited under KVM with no output') });
  let qmp: QmpClient | undefined;
  const stopConnecting = new AbortController();
  try {
    qmp = await Promise.race([
      QmpClient.connect(socket, AbortSignal.any([signal, stopConnecting.signal])),
      qemu.exited.then(() => undefined),
    ]);
    if (!qmp) return died();
    const deadline = Date.now() + watchMs;
    while (Date.now() < deadline) {
      if (!qemu.running || kvmFailureLine(qemu.output())) return died();
      const status = await qmp.status().catch(() => 'gone');
      if (status === 'gone') return died();
      if (isKvmDeadState(status)) return { works: false, why: kvmFailureLine(qemu.output()) ?? `the guest stopped with status "${status}" under KVM` };
      await sleep(100, signal);
    }
    return { works: true };
  } finally {
    stopConnecting.abort();
    qmp?.close();
    await qemu.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
