import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      { ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '20s' },
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
});
