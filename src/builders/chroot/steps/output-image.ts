import { renameSync, rmSync } from 'node:fs';
import type { Step } from '../../../core/steps.js';
import { compressionOptions, imageConverter } from '../../../local-image/index.js';
import { timed } from '../phase-timer.js';
import type { ResolvedChroot } from '../resolve.js';
import type { OutputState } from '../state.js';

/** The image: the raw working disk renamed into place, or converted to qcow2 (zstd-compressed when asked). */
export function outputImageStep(c: ResolvedChroot): Step<OutputState, object> {
  const converter = imageConverter();
  return {
    name: 'output image',
    run: async (ctx, { diskFile, imagePath }) => {
      await timed(ctx.log, 'convert-out', async () => {
        if (c.format === 'raw') {
          renameSync(diskFile, imagePath);
          return;
        }
        const compression = await compressionOptions(c.compress);
        ctx.log.say(`Converting the image to qcow2${c.compress ? ' (compressed)' : ''}`);
        await converter.convert(ctx, { source: diskFile, sourceFormat: 'raw', target: imagePath, format: 'qcow2', options: compression });
        rmSync(diskFile, { force: true });
      });
      return {};
    },
    cleanup: async () => converter.discard(),
  };
}
