import type { Step } from '../../../core/steps.js';
import { imageInfo, runTool } from '../../../local-image/index.js';
import { timed } from '../phase-timer.js';
import type { ResolvedChroot } from '../resolve.js';
import type { OutputState, SourceState } from '../state.js';

/** The working disk: the base image as a sparse raw file (what a loop device can mount), grown to disk_size. */
export function workingDiskStep(c: ResolvedChroot): Step<OutputState & SourceState, { diskGrown: boolean }> {
  return {
    name: 'working disk',
    run: async (ctx, { sourcePath, sourceFormat, diskFile }) => {
      ctx.log.say('Copying the base image into a raw working disk');
      await timed(ctx.log, 'convert-in', () =>
        runTool('qemu-img', ['convert', '-f', sourceFormat, '-O', 'raw', '-S', '64k', sourcePath, diskFile], { signal: ctx.signal }),
      );
      const currentMiB = (await imageInfo(diskFile, ctx.signal)).virtualSize / 1024 / 1024;
      if (c.diskSizeMiB === undefined || c.diskSizeMiB === currentMiB) return { diskGrown: false };
      if (c.diskSizeMiB < currentMiB) {
        ctx.log.warn(`disk_size ${c.diskSizeMiB} MiB is smaller than the base image (${Math.ceil(currentMiB)} MiB); keeping the base image's size`);
        return { diskGrown: false };
      }
      ctx.log.info(`Growing the disk to ${c.diskSizeMiB} MiB`);
      await runTool('qemu-img', ['resize', '-f', 'raw', diskFile, `${c.diskSizeMiB}M`], { signal: ctx.signal });
      return { diskGrown: true };
    },
  };
}
