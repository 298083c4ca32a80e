import type { Step } from '../../../core/steps.js';
import { ensureBaseImage, fetchSource, runTool } from '../../../local-image/index.js';
import type { ResolvedQemu } from '../resolve.js';
import type { SourceState } from '../state.js';

/** The base image: bake's own (built once), or iso_url/iso_urls downloaded once into the cache and verified. */
export function sourceStep(c: ResolvedQemu): Step<object, SourceState> {
  return {
    name: 'source image',
    run: async (ctx) => {
      const path =
        c.source.kind === 'base'
          ? await ensureBaseImage(ctx.log, ctx.signal)
          : await fetchSource(c.source.urls, c.source.checksum, { log: ctx.log, signal: ctx.signal, baseDir: process.cwd() });
      const info = JSON.parse(await runTool('qemu-img', ['info', '--output=json', path], { signal: ctx.signal })) as { format: string };
      ctx.log.say(`Using base image ${path} (${info.format})`);
      return { sourcePath: path, sourceFormat: info.format };
    },
  };
}
