import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Artifact } from '../../core/artifact.js';
import { byteProgress } from '../../core/byte-progress.js';
import type { PostProcessContext } from '../../core/context.js';
import { BakeError, errorText, isAbort } from '../../core/errors.js';
import type { PostProcessor, PostProcessorResult } from '../../plugins/types.js';
import { render } from '../../template/index.js';
import { compressor, runZip } from './compressor.js';
import type { Format } from './formats.js';
import { inputBytes, tarStream } from './tar-stream.js';

export interface ResolvedCompress {
  where: string;
  output: string;
  format: Format;
  level: number;
}

export class CompressPostProcessor implements PostProcessor {
  constructor(readonly config: ResolvedCompress) {}

  async run(ctx: PostProcessContext, artifact: Artifact): Promise<PostProcessorResult> {
    const { format, level } = this.config;
    const output = render(this.config.output, {
      data: { BuildName: ctx.buildName, BuilderType: ctx.buildType },
      buildName: ctx.buildName,
      buildType: ctx.buildType,
      where: `${this.config.where}.output`,
    });
    const files = artifact.files;
    if (files.length === 0) throw new BakeError(`compress: the ${artifact.builderType} artifact has no files to compress`);
    if (!format.tar && format.codec !== 'zip' && files.length !== 1) {
      throw new BakeError(`compress: "${output}" holds one file but the artifact has ${files.length}; use an archive such as .tar.gz`);
    }
    if (files.some((f) => resolve(f) === resolve(output))) throw new BakeError(`compress: "${output}" is also one of the input files`);
    if (existsSync(output) && !ctx.force) throw new BakeError(`compress: "${output}" already exists; remove it or run with -force`);
    const total = await inputBytes(files);
    ctx.log.info(`Compressing ${files.length} file(s) into ${output}`);
    await mkdir(dirname(output), { recursive: true });
    const partial = `${output}.partial`;
    await rm(partial, { force: true });
    try {
      if (format.codec === 'zip') await runZip(partial, files, level, ctx.signal);
      else await this.stream(ctx, files, partial, total);
      await rename(partial, output);
    } catch (err) {
      await rm(partial, { force: true });
      if (isAbort(err) || err instanceof BakeError) throw err;
      throw new BakeError(`compress: writing "${output}" failed: ${errorText(err)}`, { cause: err });
    }
    const size = (await stat(output)).size;
    ctx.log.info(`Compressed ${mib(total)} into ${mib(size)} (${total ? Math.round((size / total) * 100) : 100}%)`);
    return {
      artifact: {
        builderType: 'compress',
        buildName: ctx.buildName,
        id: output,
        files: [output],
        images: {},
        metadata: { inputBytes: total, outputBytes: size },
        description: `compress: ${output}`,
        destroy: () => rm(output, { force: true }),
      },
    };
  }

  private async stream(ctx: PostProcessContext, files: string[], dest: string, total: number): Promise<void> {
    const progress = byteProgress(ctx.log, 'Compressing', 'compress', total);
    const onData = (n: number) => progress.add(n);
    const source = this.config.format.tar ? Readable.from(tarStream(files, onData, ctx.signal)) : counted(files[0], onData, ctx.signal);
    const c = compressor(this.config.format.codec, this.config.level, ctx.signal);
    const [piped, finished] = await Promise.allSettled([pipeline(source, c.stream, createWriteStream(dest), { signal: ctx.signal }), c.done]);
    // The compressor's own failure (not installed, bad level) explains a broken pipe better than the pipe does.
    if (finished.status === 'rejected') throw finished.reason;
    if (piped.status === 'rejected') throw piped.reason;
    progress.finish();
  }
}

function counted(file: string, onData: (n: number) => void, signal: AbortSignal): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) {
        onData((chunk as Buffer).length);
        yield chunk as Buffer;
      }
    })(),
  );
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
