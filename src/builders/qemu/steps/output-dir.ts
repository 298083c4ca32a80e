import type { Step } from '../../../core/steps.js';
import { outputDirectory, outputPaths } from '../../../local-image/index.js';
import type { ResolvedQemu } from '../resolve.js';
import type { Outcome, OutputState } from '../state.js';

/** Creates output_directory (refusing an existing one unless -force) and a private work directory. */
export function outputDirStep(c: ResolvedQemu, outcome: Outcome): Step<object, OutputState> {
  const dirs = outputDirectory('qemu', outcome);
  return {
    name: 'output directory',
    run: async (ctx) => {
      const { dir, image } = outputPaths(c, ctx.buildName);
      return { ...dirs.create(ctx, dir), imagePath: image };
    },
    cleanup: async (ctx) => dirs.cleanup(ctx),
  };
}
