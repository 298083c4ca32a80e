import { accessSync, constants } from 'node:fs';

/** /dev/kvm exists and this user may open it; whether guests really run under it is only known by trying. */
export function kvmDeviceUsable(device = '/dev/kvm'): boolean {
  try {
    accessSync(device, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const KVM_FAILURES = [
  /KVM internal error/i,
  /kvm run failed/i,
  /failed to initialize kvm/i,
  /Could not access KVM kernel module/i,
  /KVM: entry failed/i,
  /kvm_init_vcpu failed/i,
  /error: kvm run/i,
];

/** The first line of QEMU's output that says the guest cannot run under KVM, if any. */
export function kvmFailureLine(output: string): string | undefined {
  return output.split('\n').find((line) => KVM_FAILURES.some((re) => re.test(line)))?.trim();
}

/** QMP run states that mean the guest stopped for good under KVM (not a pause or a normal shutdown). */
export function isKvmDeadState(status: string): boolean {
  return status === 'internal-error' || status === 'guest-panicked';
}
