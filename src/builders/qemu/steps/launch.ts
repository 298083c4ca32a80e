import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BuildContext } from '../../../core/context.js';
import { BakeError, errorText } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { type LaunchPlan, qemuArgv } from '../argv.js';
import { pickFreePort } from '../free-port.js';
import { kvmDeviceUsable } from '../kvm.js';
import { probeKvm, rememberKvmFailure, rememberedKvmFailure } from '../kvm-probe.js';
import { QemuProcess } from '../qemu-process.js';
import { QmpClient } from '../qmp.js';
import type { ResolvedQemu } from '../resolve.js';
import type { DiskState, FloppyState, HttpState, OutputState, SeedState, VmState } from '../state.js';

/** The last lines of the guest's serial console, for messages about a guest that did not come up. */
export function serialTail(workDir: string, lines = 5): string {
  const path = join(workDir, 'serial.log');
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-lines).join(' | ');
}

/** kvm when it was asked for (or left to bake) and is worth trying; tcg otherwise, saying why. */
function firstAccelerator(c: ResolvedQemu, ctx: BuildContext): string {
  if (c.accelerator !== 'auto' && c.accelerator !== 'kvm') return c.accelerator;
  const warn = (why: string) => ctx.log.warn(`qemu: ${why}; using TCG (software emulation, much slower)`);
  if (!kvmDeviceUsable()) {
    warn('/dev/kvm is missing or not accessible');
    return 'tcg';
  }
  const remembered = rememberedKvmFailure();
  if (remembered) {
    warn(`KVM does not run guests on this host (found earlier: ${remembered})`);
    return 'tcg';
  }
  return 'kvm';
}

async function start(c: ResolvedQemu, ctx: BuildContext, plan: LaunchPlan): Promise<{ qemu: QemuProcess; qmp: QmpClient }> {
  const argv = qemuArgv(c, plan);
  ctx.log.debug(`${c.qemuBinary} ${argv.join(' ')}`);
  const qemu = await QemuProcess.start(c.qemuBinary, argv);
  // The QMP socket path is unique to this build: `bake cleanup` kills the pid only if it still matches.
  const record = { type: 'local:process', id: String(qemu.pid) };
  ctx.journal.created({ ...record, details: { match: plan.qmpSocket } });
  void qemu.exited.then(() => ctx.journal.removed(record));
  try {
    const qmp = await Promise.race([
      QmpClient.connect(plan.qmpSocket, ctx.signal),
      qemu.exited.then(() => {
        throw new BakeError(`qemu: ${c.qemuBinary} exited at start: ${qemu.lastLines() || 'no output'}`);
      }),
    ]);
    return { qemu, qmp };
  } catch (err) {
    await qemu.kill();
    throw err;
  }
}

/** Picks a port, starts QEMU with a QMP socket and the forwarded SSH port, and falls back to TCG when KVM cannot run the guest. */
export function launchStep(c: ResolvedQemu): Step<OutputState & DiskState & SeedState & HttpState & FloppyState, VmState> {
  let vm: { qemu: QemuProcess; qmp: QmpClient } | undefined;
  return {
    name: 'start VM',
    run: async (ctx, { workDir, imagePath, diskFormat, seedIso, installerIso, httpPort, floppyDir }) => {
      const plan: LaunchPlan = {
        name: basename(imagePath),
        accel: firstAccelerator(c, ctx),
        diskPath: imagePath,
        diskFormat,
        sshPort: 0,
        qmpSocket: join(workDir, 'qmp.sock'),
        serialLog: join(workDir, 'serial.log'),
        ...(seedIso ? { seedIso } : {}),
        ...(installerIso ? { installerIso } : {}),
        ...(httpPort === undefined ? {} : { httpPort }),
        ...(floppyDir ? { floppyDir } : {}),
      };
      let startedAt = Date.now();
      // The chosen port can be taken between the check and QEMU binding it: then try another.
      for (let attempt = 1; !vm; attempt++) {
        plan.sshPort = await pickFreePort(c.portMin, c.portMax);
        ctx.log.say(`Starting QEMU (${plan.accel}, ${c.memoryMiB} MiB, ${c.cpus} CPU); SSH forwarded from 127.0.0.1:${plan.sshPort}`);
        startedAt = Date.now();
        try {
          vm = await start(c, ctx, plan);
        } catch (err) {
          if (attempt >= 3 || !/host forwarding rule/i.test(errorText(err))) throw err;
          ctx.log.info(`port ${plan.sshPort} was taken meanwhile; trying another`);
        }
      }
      // An installer's menu or a prompt awaiting boot_command need not reach long mode in time: the probe would blame KVM.
      if (plan.accel === 'kvm' && !c.boot && !c.installFromIso) {
        const verdict = await probeKvm(vm.qemu, vm.qmp, ctx.signal);
        if (!verdict.works) {
          ctx.log.warn(`qemu: KVM cannot run this guest (${verdict.why}); restarting under TCG (software emulation, much slower)`);
          rememberKvmFailure(verdict.why);
          vm.qmp.close();
          await vm.qemu.kill();
          vm = undefined;
          startedAt = Date.now();
          vm = await start(c, ctx, { ...plan, accel: 'tcg' });
          plan.accel = 'tcg';
        }
      }
      return { ...vm, sshPort: plan.sshPort, accel: plan.accel, startedAt };
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
