import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKvmDeadState, kvmDeviceUsable, kvmFailureLine } from '../../../src/builders/qemu/kvm.js';
import { inLongMode, rememberKvmFailure, rememberedKvmFailure } from '../../../src/builders/qemu/kvm-probe.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('KVM failure detection', () => {
  it('finds the line of QEMU output that says KVM cannot run the guest', () => {
    const out = [
      "qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]",
      'KVM internal error. Suberror: 1',
      'emulation failure',
      'EAX=00000000 EBX=00000000',
    ].join('\n');
    expect(kvmFailureLine(out)).toBe('KVM internal error. Suberror: 1');
    expect(kvmFailureLine('qemu-system-x86_64: error: failed to initialize kvm: Permission denied')).toBe(
      'qemu-system-x86_64: error: failed to initialize kvm: Permission denied',
    );
    expect(kvmFailureLine("qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]")).toBeUndefined();
  });

  it('treats internal-error and guest-panicked as dead, paused or running as not', () => {
    expect(isKvmDeadState('internal-error')).toBe(true);
    expect(isKvmDeadState('guest-panicked')).toBe(true);
    expect(isKvmDeadState('running')).toBe(false);
    expect(isKvmDeadState('paused')).toBe(false);
  });

  it('knows a kernel is running from a long-mode register dump (real QEMU samples)', () => {
    expect(inLongMode(fixture('registers-long-mode.txt'))).toBe(true);
    expect(inLongMode(fixture('registers-32bit.txt'))).toBe(false);
  });

  it('reports an absent device as unusable', () => {
    expect(kvmDeviceUsable('/nonexistent/kvm')).toBe(false);
  });
});

describe('remembered KVM verdict', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.BAKE_CACHE_DIR;
    process.env.BAKE_CACHE_DIR = mkdtempSync(join(tmpdir(), 'bake-kvm-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.BAKE_CACHE_DIR;
    else process.env.BAKE_CACHE_DIR = saved;
  });

  it('is empty until a failure is remembered for this boot', () => {
    expect(rememberedKvmFailure()).toBeUndefined();
    rememberKvmFailure('KVM internal error. Suberror: 1');
    expect(rememberedKvmFailure()).toBe('KVM internal error. Suberror: 1');
  });
});
