import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rememberedKvmFailure } from '../../src/builders/qemu/kvm-probe.js';
import { resolveQemuConfig } from '../../src/builders/qemu/resolve.js';
import type { QemuConfig } from '../../src/builders/qemu/schema.js';
import { launchStep } from '../../src/builders/qemu/steps/launch.js';
import type { VmState } from '../../src/builders/qemu/state.js';
import { errorText } from '../../src/core/errors.js';
import { makeBuildContext } from '../helpers/context.js';
import { qemuProcessesFor, qemuStandIn } from './qemu-harness.js';

// The stand-in qemu_binary (qemuStandIn) imitates every way KVM fails on real hosts: these tests behave
// the same on hosts with no /dev/kvm, a working KVM or a broken one.
const MSR = "kvm_buf_set_msrs: Assertion 'ret == cpu->kvm_msr_buf->nmsrs' failed.";

let dir: string;
let disk: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bake-kvm-fallback-'));
  disk = join(dir, 'blank.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
  // A writable file where bake looks for /dev/kvm, so bake tries KVM whatever this host has.
  writeFileSync(join(dir, 'kvm'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let env: NodeJS.ProcessEnv;
let run = 0;
beforeEach(() => {
  env = { ...process.env };
  run += 1;
  process.env.BAKE_CACHE_DIR = mkdtempSync(join(dir, `cache-${run}-`));
  process.env.BAKE_KVM_DEVICE = join(dir, 'kvm');
});
afterEach(() => {
  process.env = env;
});

/** A qemu_binary that imitates `mode` under KVM and logs each start. */
function standIn(mode: string): { binary: string; starts: () => string[] } {
  return qemuStandIn(dir, mode, String(run));
}

/** Runs only the launch step, as a build would, and stops QEMU again. */
async function launch(config: QemuConfig): Promise<{ state?: VmState; error?: string; warnings: string[]; status?: string; ms: number }> {
  const c = resolveQemuConfig({ memory: 256, ...config }, { file: 't.json', path: 'builders[0]', templateDir: dir });
  const ctx = makeBuildContext();
  const step = launchStep(c);
  const workDir = mkdtempSync(join(dir, 'work-'));
  const started = Date.now();
  const warnings = () => ctx.events.filter((e) => e.level === 'warn').map((e) => e.text);
  try {
    const state = await step.run(ctx, { workDir, imagePath: disk, diskFormat: 'qcow2', outputDir: dir });
    const ms = Date.now() - started;
    const status = await state.qmp.status();
    return { state, warnings: warnings(), status, ms };
  } catch (err) {
    return { error: errorText(err), warnings: warnings(), ms: Date.now() - started };
  } finally {
    await step.cleanup?.(ctx, {} as never);
    expect(qemuProcessesFor(workDir)).toEqual([]);
  }
}

describe('KVM that cannot run guests falls back to TCG (accelerator unset)', () => {
  it('QEMU dying at start with the MSR assertion: TCG within seconds, one warning quoting QEMU, remembered for the boot', async () => {
    const qemu = standIn('msr-exit');
    const first = await launch({ qemu_binary: qemu.binary });
    expect(first.error).toBeUndefined();
    expect(first.state?.accel).toBe('tcg');
    expect(first.status).toBe('running');
    expect(first.ms).toBeLessThan(10_000);
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings[0]).toMatch(/^qemu: KVM does not run guests on this host \(.*failed to set MSR 0x10a to 0x69/);
    expect(first.warnings[0]).toContain('restarting under TCG');
    // The build's QEMU under KVM, the bare check under KVM, then the build's QEMU under TCG.
    expect(qemu.starts()).toEqual(['kvm', 'kvm', 'tcg']);
    expect(rememberedKvmFailure()).toContain('MSR');

    const second = await launch({ qemu_binary: qemu.binary });
    expect(second.state?.accel).toBe('tcg');
    expect(second.warnings).toEqual([expect.stringMatching(/^qemu: KVM is not usable \(found earlier since this host booted: .*MSR.*\); using TCG/)]);
    expect(qemu.starts()).toEqual(['kvm', 'kvm', 'tcg', 'tcg']);
  });

  it('a guest stopped in "internal-error" (seen only through QMP): TCG, with the status quoted', async () => {
    const qemu = standIn('internal-error');
    const r = await launch({ qemu_binary: qemu.binary });
    expect(r.error).toBeUndefined();
    expect(r.state?.accel).toBe('tcg');
    expect(r.warnings).toEqual([expect.stringContaining('(guest stopped with status "internal-error"); restarting under TCG')]);
    expect(qemu.starts()).toEqual(['kvm', 'tcg']);
    expect(rememberedKvmFailure()).toBe('guest stopped with status "internal-error"');
  });

  it('a guest that never leaves real mode: TCG after the probe window', async () => {
    const qemu = standIn('real-mode');
    const r = await launch({ qemu_binary: qemu.binary });
    expect(r.error).toBeUndefined();
    expect(r.state?.accel).toBe('tcg');
    expect(r.warnings).toEqual([expect.stringContaining('(the guest had not reached its kernel after 10s); restarting under TCG')]);
    expect(qemu.starts()).toEqual(['kvm', 'tcg']);
  }, 60_000);

  it('no KVM device: TCG straight away, QEMU never asked for KVM', async () => {
    process.env.BAKE_KVM_DEVICE = join(dir, 'no-such-kvm');
    const qemu = standIn('msr-exit');
    const r = await launch({ qemu_binary: qemu.binary });
    expect(r.state?.accel).toBe('tcg');
    expect(r.warnings).toEqual([`qemu: KVM is not usable (${join(dir, 'no-such-kvm')} is missing or not accessible); using TCG (software emulation, much slower)`]);
    expect(qemu.starts()).toEqual(['tcg']);
  });
});

describe('failures that are not about KVM stay errors', () => {
  it('a bad qemuargs entry: QEMU\'s own message, no fallback, no retry under TCG', async () => {
    const qemu = standIn('kvm-works');
    const r = await launch({ qemu_binary: qemu.binary, qemuargs: [['-no-such-option']] });
    expect(r.error).toMatch(/^qemu: .* exited at start: .*-no-such-option: invalid option/);
    expect(r.warnings).toEqual([]);
    expect(qemu.starts()).toEqual(['kvm', 'kvm']);
    expect(rememberedKvmFailure()).toBeUndefined();
  });

  it('a missing disk: QEMU\'s own message, no fallback', async () => {
    const qemu = standIn('kvm-works');
    const missing = join(dir, 'missing.qcow2');
    const r = await launch({ qemu_binary: qemu.binary, qemuargs: [['-drive', `file=${missing},if=virtio`]] });
    expect(r.error).toContain(`Could not open '${missing}'`);
    expect(r.warnings).toEqual([]);
    expect(qemu.starts().filter((s) => s === 'tcg')).toEqual([]);
  });
});

describe('accelerator "kvm" given explicitly', () => {
  it('fails at once when QEMU dies under KVM, quoting QEMU and naming the way out', async () => {
    const qemu = standIn('msr-exit');
    const r = await launch({ qemu_binary: qemu.binary, accelerator: 'kvm' });
    expect(r.error).toMatch(/^qemu: KVM does not run guests on this host: .*failed to set MSR 0x10a to 0x69.*\. Leave "accelerator" unset \(bake then uses TCG, software emulation\) or set it to "tcg"$/);
    expect(r.ms).toBeLessThan(10_000);
    expect(qemu.starts()).toEqual(['kvm', 'kvm']);
  });

  it('fails at once when the guest stops in an error state', async () => {
    const qemu = standIn('internal-error');
    const r = await launch({ qemu_binary: qemu.binary, accelerator: 'kvm' });
    expect(r.error).toBe('qemu: KVM does not run guests on this host: guest stopped with status "internal-error". Leave "accelerator" unset (bake then uses TCG, software emulation) or set it to "tcg"');
    expect(qemu.starts()).toEqual(['kvm']);
  });

  it('fails before starting QEMU when there is no KVM device', async () => {
    process.env.BAKE_KVM_DEVICE = join(dir, 'no-such-kvm');
    const qemu = standIn('kvm-works');
    const r = await launch({ qemu_binary: qemu.binary, accelerator: 'kvm' });
    expect(r.error).toContain(`KVM does not run guests on this host: ${join(dir, 'no-such-kvm')} is missing or not accessible.`);
    expect(qemu.starts()).toEqual([]);
  });
});

// A whole `bake build` on a host whose KVM dies at start (the image baked under TCG after one warning)
// is checked on the boot of test/integration/chroot-boot.test.ts, which runs through the same stand-in:
// one TCG boot proves both.
