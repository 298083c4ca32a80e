import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import { outputDirStep } from '../../../src/builders/qemu/steps/output-dir.js';
import { Journal } from '../../../src/core/journal.js';
import { makeBuildContext } from '../../helpers/context.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: '/tpl' };

function setup(force = false) {
  const out = join(mkdtempSync(join(tmpdir(), 'bake-out-')), 'out');
  const outcome = { succeeded: false };
  const step = outputDirStep(resolveQemuConfig({ output_directory: out, vm_name: 'img.qcow2' }, env), outcome);
  return { out, outcome, step, ctx: makeBuildContext({ force }) };
}

describe('output directory step', () => {
  it('creates the directory and a private work directory; on failure removes both', async () => {
    const { out, step, ctx } = setup();
    const state = await step.run(ctx, {});
    expect(state).toMatchObject({ outputDir: out, imagePath: join(out, 'img.qcow2') });
    expect(existsSync(state.workDir)).toBe(true);
    writeFileSync(state.imagePath, 'half written');
    await step.cleanup!(ctx, state);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(state.workDir)).toBe(false);
    expect(ctx.events.map((e) => e.text)).toContain(`Removing incomplete output directory ${out}`);
    expect(Journal.open(ctx.journalPath)).toEqual([]);
  });

  it('journals both directories while the build runs, for bake cleanup', async () => {
    const { out, step, ctx } = setup();
    const state = await step.run(ctx, {});
    expect(Journal.open(ctx.journalPath).map((r) => [r.type, r.id])).toEqual([
      ['local:path', out],
      ['local:path', state.workDir],
    ]);
    await step.cleanup!(ctx, state);
  });

  it('keeps the output of a build that succeeded', async () => {
    const { out, outcome, step, ctx } = setup();
    const state = await step.run(ctx, {});
    outcome.succeeded = true;
    await step.cleanup!(ctx, state);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(state.workDir)).toBe(false);
  });

  it('refuses an existing directory without -force and leaves it alone', async () => {
    const { out, step, ctx } = setup();
    mkdirSync(out);
    writeFileSync(join(out, 'keep'), 'x');
    await expect(step.run(ctx, {})).rejects.toThrow(`qemu: output directory ${out} already exists: remove it, set output_directory, or run with -force`);
    await step.cleanup!(ctx, {});
    expect(existsSync(join(out, 'keep'))).toBe(true);
  });

  it('replaces an existing directory with -force', async () => {
    const { out, step, ctx } = setup(true);
    mkdirSync(out);
    writeFileSync(join(out, 'old'), 'x');
    const state = await step.run(ctx, {});
    await step.cleanup!(ctx, state);
    expect(existsSync(join(out, 'old'))).toBe(false);
    expect(ctx.events.map((e) => e.text)).toContain(`Deleting existing output directory ${out} (-force)`);
  });
});
