import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rememberedKvmFailure } from '../../../src/builders/qemu/kvm-probe.js';
import { QemuProcess } from '../../../src/builders/qemu/qemu-process.js';
import { QmpClient } from '../../../src/builders/qemu/qmp.js';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import { connectStep } from '../../../src/builders/qemu/steps/connect.js';
import type { SpanData } from '../../../src/core/spans.js';
import { makeBuildContext } from '../../helpers/context.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

describe('qemu connect step', () => {
  it('records the wait for SSH as a wait (the run report draws it as waiting, not as step time)', async () => {
    const c = resolveQemuConfig(
      { ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '20s', ssh_host_key_check: 'tofu' },
      { file: 't.json', path: 'builders[0]', templateDir: process.cwd() },
    );
    const step = connectStep(c);
    const ctx = makeBuildContext({ buildType: 'qemu' });
    const qemu = { exited: new Promise(() => {}), lastLines: () => '' };
    const state = { qemu, sshPort: sshd.port, workDir: mkdtempSync(join(tmpdir(), 'bake-connect-')), startedAt: Date.now(), accel: 'kvm' };
    const out = await step.run(ctx, state as never);
    await step.cleanup?.(ctx, state as never);
    expect(out.comm).toBeDefined();
    const spans = ctx.events.map((e) => e.data?.span as SpanData | undefined).filter((s) => s !== undefined);
    expect(spans.map((s) => [s.kind, s.name, s.phase])).toEqual([
      ['wait', 'SSH on the booting guest', 'start'],
      ['wait', 'SSH on the booting guest', 'end'],
    ]);
  });

  it('ends the wait at once when KVM fails after the start-up probe (an installer kernel after boot_command), and remembers it', async () => {
    const standIn = fileURLToPath(new URL('../../helpers/qemu-stand-in/qemu.sh', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'bake-kvm-late-'));
    const saved = { mode: process.env.QEMU_STAND_IN_MODE, cache: process.env.BAKE_CACHE_DIR };
    process.env.QEMU_STAND_IN_MODE = 'late-internal-error';
    process.env.BAKE_CACHE_DIR = dir;
    const qemu = await QemuProcess.start(standIn, ['-machine', 'accel=kvm', '-qmp', `unix:${join(dir, 'qmp.sock')},server,nowait`]);
    try {
      const qmp = await QmpClient.connect(join(dir, 'qmp.sock'), AbortSignal.timeout(10_000));
      expect(await qmp.status()).toBe('running');
      const c = resolveQemuConfig({ ssh_username: 'nobody', ssh_password: 'x', ssh_timeout: '5m', ssh_host_key_check: 'tofu' }, { file: 't.json', path: 'builders[0]', templateDir: process.cwd() });
      const ctx = makeBuildContext({ buildType: 'qemu' });
      // A port nothing listens on: the guest never answers, as one stopped by KVM.
      const state = { qemu, qmp, sshPort: 1, workDir: dir, startedAt: Date.now(), accel: 'kvm' };
      const started = Date.now();
      await expect(connectStep(c).run(ctx, state as never)).rejects.toThrow(
        'qemu: KVM failed while the guest was booting (guest stopped with status "internal-error"); bake remembers this until the host reboots, so running the build again uses TCG (or set "accelerator": "tcg")',
      );
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(rememberedKvmFailure()).toBe('guest stopped with status "internal-error"');
      qmp.close();
    } finally {
      await qemu.kill();
      process.env.QEMU_STAND_IN_MODE = saved.mode;
      if (saved.cache === undefined) delete process.env.BAKE_CACHE_DIR;
      else process.env.BAKE_CACHE_DIR = saved.cache;
      if (saved.mode === undefined) delete process.env.QEMU_STAND_IN_MODE;
    }
  });
});
