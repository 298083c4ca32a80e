import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BakeError } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { outputPaths, type ResolvedChroot } from '../resolve.js';
import type { Outcome, OutputState } from '../state.js';

/** Checks for root, then creates output_directory (refusing an existing one unless -force) and a private work directory. */
export function outputDirStep(c: ResolvedChroot, outcome: Outcome): Step<object, OutputState> {
  let created: string | undefined;
  let work: string | undefined;
  return {
    name: 'output directory',
    run: async (ctx) => {
      if (process.getuid?.() !== 0) {
        throw new BakeError(`${c.env.file}: ${c.env.path}: the chroot builder needs root (it mounts the image's filesystems in a private namespace): run bake as root, e.g. \`sudo bake build\`, or use the qemu builder`);
      }
      const { dir, image } = outputPaths(c, ctx.buildName);
      if (existsSync(dir)) {
        if (!ctx.force) throw new BakeError(`chroot: output directory ${dir} already exists: remove it, set output_directory, or run with -force`);
        ctx.log.say(`Deleting existing output directory ${dir} (-force)`);
        rmSync(dir, { recursive: true, force: true });
      }
      // Journaled before it exists, so that `bake cleanup` removes it (and the working disk in it) if bake is killed.
      ctx.journal.created({ type: 'local:path', id: dir });
      mkdirSync(dir, { recursive: true });
      created = dir;
      work = mkdtempSync(join(tmpdir(), 'bake-chroot-'));
      ctx.journal.created({ type: 'local:path', id: work });
      return { outputDir: dir, imagePath: image, diskFile: join(dir, `.${basename(image)}.work.raw`), workDir: work };
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
      if (created) ctx.journal.removed({ type: 'local:path', id: created });
    },
  };
}
