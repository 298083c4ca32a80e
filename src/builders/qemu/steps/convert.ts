import { renameSync, rmSync } from 'node:fs';
import type { Step } from '../../../core/steps.js';
import type { ResolvedQemu } from '../resolve.js';
import { parseConvertProgress, qemuImgHasZstd, runTool } from '../../../local-image/index.js';
import type { DiskState, OutputState } from '../state.js';

/** Rewrites the image (compaction, compression) only when the template asks for it: it costs time and rarely space. */
export function convertStep(c: ResolvedQemu): Step<OutputState & DiskState, { converted: boolean }> {
  let partial: string | undefined;
  return {
    name: 'convert',
    run: async (ctx, { imagePath, diskFormat }) => {
      if (!c.compact || c.useBackingFile) return { converted: false };
      const compression = c.compress ? ((await qemuImgHasZstd()) ? ['-c', '-o', 'compression_type=zstd'] : ['-c']) : [];
      ctx.log.say(`Converting the image${c.compress ? ` (compressed${compression.length > 1 ? ' with zstd' : ''})` : ''}`);
      partial = `${imagePath}.converting`;
      let last = -1;
      await runTool(
        'qemu-img',
        ['convert', '-p', '-m', '8', '-W', '-f', diskFormat, '-O', c.format, ...compression, ...c.qemuImgArgs.convert, imagePath, partial],
        {
          signal: ctx.signal,
          onLine: (line) => {
            const percent = parseConvertProgress(line);
            if (percent === undefined || Math.floor(percent / 10) === Math.floor(last / 10)) return;
            last = percent;
            ctx.log.progress('Converting', { label: 'convert', current: percent, total: 100, unit: 'percent', done: percent >= 100 });
          },
        },
      );
      renameSync(partial, imagePath);
      partial = undefined;
      return { converted: true };
    },
    cleanup: async () => {
      if (partial) rmSync(partial, { force: true });
    },
  };
}
