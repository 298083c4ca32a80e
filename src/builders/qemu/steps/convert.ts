import type { Step } from '../../../core/steps.js';
import { compressionOptions, imageConverter } from '../../../local-image/index.js';
import type { ResolvedQemu } from '../resolve.js';
import type { DiskState, OutputState } from '../state.js';

/** Rewrites the image (compaction, compression) only when the template asks for it: it costs time and rarely space. */
export function convertStep(c: ResolvedQemu): Step<OutputState & DiskState, { converted: boolean }> {
  const converter = imageConverter();
  return {
    name: 'convert',
    run: async (ctx, { imagePath, diskFormat }) => {
      if (!c.compact || c.useBackingFile) return { converted: false };
      const compression = await compressionOptions(c.compress);
      ctx.log.say(`Converting the image${c.compress ? ` (compressed${compression.length > 1 ? ' with zstd' : ''})` : ''}`);
      const options = [...compression, ...c.qemuImgArgs.convert];
      await converter.convert(ctx, { source: imagePath, sourceFormat: diskFormat, target: imagePath, format: c.format, options });
      return { converted: true };
    },
    cleanup: async () => converter.discard(),
  };
}
