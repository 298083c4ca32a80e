import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BuildContext } from '../../../core/context.js';
import { BakeError, errorText } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { type LaunchPlan, qemuArgv } from '../argv.js';
import { pickFreePort } from '../free-port.js';
import { initialAccelerator, kvmFailed } from '../accelerator.js';
import { kvmFailureLine } from '../kvm.js';
import { bareKvmProbe } from '../kvm-bare-probe.js';
import { probeKvm } from '../kvm-probe.js';
import { QemuProcess } from '../qemu-process.js';
import { QmpClient } from '../qmp.js';
import type { ResolvedQemu } from '../resolve.js';
import type { DiskState, EfiState, FloppyState, HttpState, OutputState, SeedState, VmState } from '../state.js';

/** The last lines of the guest's serial console, for messages about a guest that did not come up. */
export function serialTail(workDir: string, lines = 5): string {
  const path = join(workDir, 'serial.log');
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-lines).join(' | ');
}

/** QEMU died before its QMP socket answered; `output` is what it printed. */
class ExitedAtStart extends BakeError {
  constructor(
    binary: string,
    readonly output: string,
    lastLines: string,
  ) {
    super(`qemu: ${binary} exited at start: ${lastLines || 'no output'}`);
  }
}

async function start(c: ResolvedQemu, ctx: BuildContext, plan: LaunchPlan): Promise<{ qemu: QemuProcess; qmp: QmpClient }> {
  const argv = qemuArgv(c, plan);
  ctx.log.debug(`${c.qemuBinary} ${argv.join(' ')}`);
  const qemu = await QemuProcess.start(c.qemuBinary, argv);
  // The QMP socket path is unique to this build: `bake cleanup` kills the pid only if it still matches.
  const record = { type: 'local:process', id: String(qemu.pid) };
  ctx.journal.created({ ...record, details: { match: plan.qmpSocket } });
  void qemu.exited.then(() => ctx.journal.removed(record));
  const stopConnecting = new AbortController();
  try {
    const qmp = await Promise.race([
      QmpClient.connect(plan.qmpSocket, AbortSignal.any([ctx.signal, stopConnecting.signal])),
      qemu.exited.then(() => {
        throw new ExitedAtStart(c.qemuBinary, qemu.output(), qemu.lastLines());
      }),
    ]);
    return { qemu, qmp };
  } catch (err) {
    await qemu.kill();
    throw err;
  } finally {
    stopConnecting.abort();
  }
}

/** Starts QEMU on a free port; the chosen port can be taken between the check and QEMU binding it, then another is tried. */
async function startOnFreePort(c: ResolvedQemu, ctx: BuildContext, plan: LaunchPlan): Promise<{ qemu: QemuProcess; qmp: QmpClient }> {
  for (let attempt = 1; ; attempt++) {
    plan.sshPort = await pickFreePort(c.portMin, c.portMax);
    ctx.log.say(`Starting QEMU (${plan.accel}, ${c.memoryMiB} MiB, ${c.cpus} CPU); SSH forwarded from 127.0.0.1:${plan.sshPort}`);
    try {
      return await start(c, ctx, plan);
    } catch (err) {
      if (attempt >= 3 || !/host forwarding rule/i.test(errorText(err))) throw err;
      ctx.log.info(`port ${plan.sshPort} was taken meanwhile; trying another`);
    }
  }
}

/**
 * Starts QEMU under the accelerator `initialAccelerator` picked. Under KVM, every way KVM can fail
 * ends in TCG (or, with an explicit "kvm", an error): QEMU dying at start for a reason a bare
 * KVM QEMU shares, the guest stopping in an error state, or the guest not reaching its kernel.
 */
async function startVm(c: ResolvedQemu, ctx: BuildContext, plan: LaunchPlan): Promise<{ qemu: QemuProcess; qmp: QmpClient }> {
  plan.accel = initialAccelerator(c, ctx.log);
  if (plan.accel !== 'kvm') return startOnFreePort(c, ctx, plan);
  let vm: { qemu: QemuProcess; qmp: QmpClient };
  try {
    vm = await startOnFreePort(c, ctx, plan);
  } catch (err) {
    if (!(err instanceof ExitedAtStart)) throw err;
    const bare = await bareKvmProbe(c, ctx.signal);
    if (bare.works) throw err;
    kvmFailed(c, kvmFailureLine(err.output) ?? bare.why, ctx.log);
    plan.accel = 'tcg';
    return startOnFreePort(c, ctx, plan);
  }
  // An installer's menu or a prompt awaiting boot_command never reaches long mode on its own: only
  // the guest dying or stopping in an error state tells there.
  const verdict = await probeKvm(vm.qemu, vm.qmp, ctx.signal, c.boot || c.installFromIso ? { windowMs: 2_000, requireLongMode: false } : {});
  if (verdict.works) return vm;
  vm.qmp.close();
  await vm.qemu.kill();
  kvmFailed(c, verdict.why, ctx.log);
  plan.accel = 'tcg';
  return startOnFreePort(c, ctx, plan);
}

/** Picks a port, starts QEMU with a QMP socket and the forwarded SSH port, and falls back to TCG when KVM cannot run the guest. */
export function launchStep(c: ResolvedQemu): Step<OutputState & DiskState & SeedState & HttpState & FloppyState & EfiState, VmState> {
  let vm: { qemu: QemuProcess; qmp: QmpClient } | undefined;
  return {
    name: 'start VM',
    run: async (ctx, { workDir, imagePath, diskFormat, seedIso, installerIso, httpPort, floppyDir, efiVars }) => {
      const plan: LaunchPlan = {
        name: basename(imagePath),
        accel: c.accelerator,
        diskPath: imagePath,
        diskFormat,
        sshPort: 0,
        qmpSocket: join(workDir, 'qmp.sock'),
        serialLog: join(workDir, 'serial.log'),
        ...(seedIso ? { seedIso } : {}),
        ...(installerIso ? { installerIso } : {}),
        ...(httpPort === undefined ? {} : { httpPort }),
        ...(floppyDir ? { floppyDir } : {}),
        ...(efiVars ? { efiVars } : {}),
      };
      vm = await startVm(c, ctx, plan);
      return { ...vm, sshPort: plan.sshPort, accel: plan.accel, startedAt: Date.now() };
    },
    cleanup: async (ctx) => {
      if (!vm) return;
      vm.qmp.close();
      if (vm.qemu.running) {
        ctx.log.info(`Stopping QEMU (pid ${vm.qemu.pid})`);
        await vm.qemu.kill();
      }
      vm = undefined;
    },
  };
}
