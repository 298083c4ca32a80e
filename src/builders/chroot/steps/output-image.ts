import { renameSync, rmSync } from 'node:fs';
import type { Step } from '../../../core/steps.js';
import { parseConvertProgress, qemuImgHasZstd, runTool } from '../../../local-image/index.js';
import { timed } from '../phase-timer.js';
import type { ResolvedChroot } from '../resolve.js';
import type { OutputState } from '../state.js';

/** The image: the raw working disk renamed into place, or converted to qcow2 (zstd-compressed when asked). */
export function outputImageStep(c: ResolvedChroot): Step<OutputState, object> {
  let partial: string | undefined;
  return {
    name: 'output image',
    run: async (ctx, { diskFile, imagePath }) => {
      await timed(ctx.log, 'convert-out', async () => {
        if (c.format === 'raw') {
          renameSync(diskFile, imagePath);
          return;
        }
        const compression = c.compress ? ((await qemuImgHasZstd()) ? ['-c', '-o', 'compression_type=zstd'] : ['-c']) : [];
        ctx.log.say(`Converting the image to qcow2${c.compress ? ' (compressed)' : ''}`);
        partial = `${imagePath}.converting`;
        let last = -1;
        await runTool('qemu-img', ['convert', '-p', '-m', '8', '-W', '-f', 'raw', '-O', 'qcow2', ...compression, diskFile, partial], {
          signal: ctx.signal,
          onLine: (line) => {
            const percent = parseConvertProgress(line);
            if (percent === undefined || Math.floor(percent / 10) === Math.floor(last / 10)) return;
            last = percent;
            ctx.log.progress('Converting', { label: 'convert', current: percent, total: 100, unit: 'percent', done: percent >= 100 });
          },
        });
        renameSync(partial, imagePath);
        partial = undefined;
        rmSync(diskFile, { force: true });
      });
      return {};
    },
    cleanup: async () => {
      if (partial) rmSync(partial, { force: true });
    },
  };
}
