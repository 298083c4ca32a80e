import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Artifact } from '../../core/artifact.js';
import type { PostProcessContext } from '../../core/context.js';
import type { PostProcessor, PostProcessorResult } from '../../plugins/types.js';
import { render } from '../../template/index.js';
import { withPathLock } from '../manifest/index.js';
import { hashFiles } from './hash-files.js';
import type { ChecksumType } from './schema.js';

export interface ResolvedChecksum {
  where: string;
  types: ChecksumType[];
  output: string;
}

/**
 * Checksum files written by this run. Packer appends to the output, which lets several builds share
 * one file; bake does too within a run, but starts a file from a previous run afresh instead of
 * piling stale lines that `sha256sum -c` would then fail on.
 */
const writtenThisRun = new Set<string>();

export class ChecksumPostProcessor implements PostProcessor {
  constructor(readonly config: ResolvedChecksum) {}

  async run(ctx: PostProcessContext, artifact: Artifact): Promise<PostProcessorResult> {
    const digests = await hashFiles(ctx, artifact.files, this.config.types);
    const written: string[] = [];
    for (const type of this.config.types) {
      const path = render(this.config.output, {
        data: { BuildName: ctx.buildName, BuilderType: ctx.buildType, ChecksumType: type },
        buildName: ctx.buildName,
        buildType: ctx.buildType,
        where: `${this.config.where}.output`,
      });
      const lines = artifact.files.map((f, i) => `${digests[i][type]}\t${basename(f)}\n`).join('');
      await mkdir(dirname(path), { recursive: true });
      await withPathLock(path, async () => {
        const key = resolve(path);
        await writeFile(path, lines, { flag: writtenThisRun.has(key) ? 'a' : 'w', mode: 0o644 });
        writtenThisRun.add(key);
      });
      ctx.log.info(`Wrote ${type} checksums of ${artifact.files.length} file(s) to ${path}`);
      written.push(path);
    }
    const files = [...new Set(written)];
    return {
      artifact: {
        builderType: 'checksum',
        buildName: ctx.buildName,
        id: files.join(','),
        files,
        images: {},
        metadata: { checksumTypes: this.config.types },
        description: `checksum: ${files.join(', ')}`,
        destroy: async () => {
          await Promise.all(files.map((f) => rm(f, { force: true })));
        },
      },
      forceKeepInput: true,
    };
  }
}
