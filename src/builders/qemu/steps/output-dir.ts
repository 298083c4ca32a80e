import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BakeError } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { outputPaths, type ResolvedQemu } from '../resolve.js';
import type { Outcome, OutputState } from '../state.js';

/** Creates output_directory (refusing an existing one unless -force) and a private work directory. */
export function outputDirStep(c: ResolvedQemu, outcome: Outcome): Step<object, OutputState> {
  let created: string | undefined;
  let work: string | undefined;
  return {
    name: 'output directory',
    run: async (ctx) => {
      const { dir, image } = outputPaths(c, ctx.buildName);
      if (existsSync(dir)) {
        if (!ctx.force) throw new BakeError(`qemu: output directory ${dir} already exists: remove it, set output_directory, or run with -force`);
        ctx.log.say(`Deleting existing output directory ${dir} (-force)`);
        rmSync(dir, { recursive: true, force: true });
      }
      mkdirSync(dir, { recursive: true });
      created = dir;
      // Journaled so that `bake cleanup` removes them if bake itself is killed.
      ctx.journal.created({ type: 'local:path', id: dir });
      work = mkdtempSync(join(tmpdir(), 'bake-qemu-'));
      ctx.journal.created({ type: 'local:path', id: work });
      return { outputDir: dir, imagePath: image, workDir: work };
    },
    cleanup: async (ctx) => {
      if (work) {
        rmSync(work, { recursive: true, force: true });
        ctx.journal.removed({ type: 'local:path', id: work });
      }
      if (created && !outcome.succeeded) {
        ctx.log.info(`Removing incomplete output directory ${created}`);
        rmSync(created, { recursive: true, force: true });
      }
      // A finished image is the artifact, not a leftover.
      if (created) ctx.journal.removed({ type: 'local:path', id: created });
    },
  };
}
