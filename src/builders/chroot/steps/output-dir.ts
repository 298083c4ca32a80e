import { basename, join } from 'node:path';
import { BakeError } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { outputDirectory, outputPaths } from '../../../local-image/index.js';
import type { ResolvedChroot } from '../resolve.js';
import type { Outcome, OutputState } from '../state.js';

/** Checks for root, then creates output_directory (refusing an existing one unless -force) and a private work directory. */
export function outputDirStep(c: ResolvedChroot, outcome: Outcome): Step<object, OutputState> {
  const dirs = outputDirectory('chroot', outcome);
  return {
    name: 'output directory',
    run: async (ctx) => {
      if (process.getuid?.() !== 0) {
        throw new BakeError(`${c.env.file}: ${c.env.path}: the chroot builder needs root (it mounts the image's filesystems in a private namespace): run bake as root, e.g. \`sudo bake build\`, or use the qemu builder`);
      }
      const { dir, image } = outputPaths(c, ctx.buildName);
      // The working disk lives in the journaled output directory, so `bake cleanup` removes it too if bake is killed.
      return { ...dirs.create(ctx, dir), imagePath: image, diskFile: join(dir, `.${basename(image)}.work.raw`) };
    },
    cleanup: async (ctx) => dirs.cleanup(ctx),
  };
}
