import { BakeError } from '../../core/errors.js';
import type { Logger } from '../../core/events.js';
import { kvmDeviceUsable } from './kvm.js';
import { rememberKvmFailure, rememberedKvmFailure } from './kvm-probe.js';
import type { ResolvedQemu } from './resolve.js';

/**
 * The KVM device bake checks. BAKE_KVM_DEVICE points elsewhere, so the fallback can be exercised
 * the same way on hosts with and without /dev/kvm.
 */
export function kvmDevicePath(): string {
  return process.env.BAKE_KVM_DEVICE || '/dev/kvm';
}

/** `accelerator` unset, "none" or "auto": KVM is tried and TCG taken when it cannot run guests. */
export function kvmIsOptional(c: Pick<ResolvedQemu, 'accelerator'>): boolean {
  return c.accelerator === 'auto';
}

function refused(why: string): BakeError {
  return new BakeError(
    `qemu: KVM does not run guests on this host: ${why}. Leave "accelerator" unset (bake then uses TCG, software emulation) or set it to "tcg"`,
  );
}

/**
 * The accelerator to start QEMU with, decided before any QEMU runs: TCG straight away when the
 * KVM device is unusable or KVM already failed since this host booted. An explicit "kvm" fails
 * instead of falling back.
 */
export function initialAccelerator(c: Pick<ResolvedQemu, 'accelerator'>, log: Logger): string {
  if (c.accelerator !== 'auto' && c.accelerator !== 'kvm') return c.accelerator;
  const device = kvmDevicePath();
  let why: string | undefined;
  let warning: string | undefined;
  if (!kvmDeviceUsable(device)) {
    why = warning = `${device} is missing or not accessible`;
  } else {
    why = rememberedKvmFailure();
    warning = `found earlier since this host booted: ${why}`;
  }
  if (!why) return 'kvm';
  if (!kvmIsOptional(c)) throw refused(why);
  log.warn(`qemu: KVM is not usable (${warning}); using TCG (software emulation, much slower)`);
  return 'tcg';
}

/**
 * KVM was tried and cannot run guests here, for the reason QEMU gave: remembered for this boot of
 * the host, then a warning (the caller restarts under TCG), or, with an explicit "kvm", an error.
 */
export function kvmFailed(c: Pick<ResolvedQemu, 'accelerator'>, why: string, log: Logger): void {
  rememberKvmFailure(why);
  if (!kvmIsOptional(c)) throw refused(why);
  log.warn(`qemu: KVM does not run guests on this host (${why}); restarting under TCG (software emulation, much slower)`);
}
