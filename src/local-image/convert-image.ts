import { renameSync, rmSync } from 'node:fs';
import type { BuildContext } from '../core/context.js';
import { parseConvertProgress, qemuImgHasZstd } from './qemu-img.js';
import { runTool } from './run-tool.js';

/** qemu-img convert's options for a compressed qcow2: zstd where this qemu-img has it, else zlib. */
export async function compressionOptions(compress: boolean): Promise<string[]> {
  if (!compress) return [];
  return (await qemuImgHasZstd()) ? ['-c', '-o', 'compression_type=zstd'] : ['-c'];
}

export interface Conversion {
  source: string;
  sourceFormat: string;
  target: string;
  format: string;
  /** Output options (compression, qemuimg_args) placed before the file names. */
  options: string[];
}

/**
 * qemu-img convert into `<target>.converting`, renamed into place only when complete, with progress every
 * 10 %; `discard` (for a step's cleanup) removes a half-written file left by a failure or Ctrl-C.
 */
export function imageConverter() {
  let partial: string | undefined;
  return {
    async convert(ctx: Pick<BuildContext, 'log' | 'signal'>, job: Conversion): Promise<void> {
      partial = `${job.target}.converting`;
      let last = -1;
      await runTool('qemu-img', ['convert', '-p', '-m', '8', '-W', '-f', job.sourceFormat, '-O', job.format, ...job.options, job.source, partial], {
        signal: ctx.signal,
        onLine: (line) => {
          const percent = parseConvertProgress(line);
          if (percent === undefined || Math.floor(percent / 10) === Math.floor(last / 10)) return;
          last = percent;
          ctx.log.progress('Converting', { label: 'convert', current: percent, total: 100, unit: 'percent', done: percent >= 100 });
        },
      });
      renameSync(partial, job.target);
      partial = undefined;
    },
    discard(): void {
      if (partial) rmSync(partial, { force: true });
    },
  };
}
