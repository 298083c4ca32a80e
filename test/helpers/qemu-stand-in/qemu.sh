#!/usr/bin/env bash
# Stand-in for qemu-system-x86_64 in the KVM fallback tests. Under TCG it runs the real QEMU
# unchanged; under KVM it imitates one of the ways KVM fails on real hosts, whatever this host has:
#   msr-exit        dies at start with the MSR assertion seen on kvm_pvm hosts
#   internal-error  starts, and its QMP says the guest stopped in "internal-error"
#   late-internal-error  the same, but its QMP says "running" for the first 3 s (a guest whose
#                   installer kernel, started by boot_command, is where KVM fails)
#   real-mode       starts the real guest frozen at power-on: it never reaches long mode
#   kvm-works       runs the real QEMU under TCG as if KVM worked
# QEMU_STAND_IN_LOG, if set, gets one line per start: the accelerator asked for, then the arguments.
set -u
args=("$@")
kvm=
for a in "${args[@]}"; do
  case "$a" in *accel=kvm*|-enable-kvm) kvm=1 ;; esac
done
accel=tcg
[ -n "$kvm" ] && accel=kvm
[ -n "${QEMU_STAND_IN_LOG:-}" ] && echo "$accel $*" >>"$QEMU_STAND_IN_LOG"
[ -z "$kvm" ] && exec qemu-system-x86_64 "$@"

as_tcg() {
  local out=() a
  for a in "${args[@]}"; do
    a=${a//accel=kvm/accel=tcg}
    [ "$a" = host ] && a=max
    out+=("$a")
  done
  args=("${out[@]}")
}

case "${QEMU_STAND_IN_MODE:?QEMU_STAND_IN_MODE is not set}" in
  msr-exit)
    echo 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69' >&2
    echo "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion 'ret == cpu->kvm_msr_buf->nmsrs' failed." >&2
    kill -ABRT $$
    ;;
  internal-error) exec node "$(dirname "$0")/qmp-internal-error.mjs" "$@" ;;
  late-internal-error) QMP_FAIL_AFTER_MS=3000 exec node "$(dirname "$0")/qmp-internal-error.mjs" "$@" ;;
  real-mode) as_tcg; exec qemu-system-x86_64 "${args[@]}" -S ;;
  kvm-works) as_tcg; exec qemu-system-x86_64 "${args[@]}" ;;
  *) echo "qemu stand-in: unknown QEMU_STAND_IN_MODE $QEMU_STAND_IN_MODE" >&2; exit 2 ;;
esac
