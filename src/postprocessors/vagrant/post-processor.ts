import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Artifact } from '../../core/artifact.js';
import { byteProgress } from '../../core/byte-progress.js';
import type { PostProcessContext } from '../../core/context.js';
import { BakeError, errorText, isAbort } from '../../core/errors.js';
import { imageInfo } from '../../local-image/index.js';
import type { PostProcessor, PostProcessorResult } from '../../plugins/types.js';
import { render } from '../../template/index.js';
import { inputBytes, type TarEntry, tarStream } from '../compress/index.js';
import { libvirtBox, libvirtDisk } from './libvirt.js';

export interface ResolvedVagrant {
  where: string;
  output: string;
  level: number;
  include: string[];
  /** The custom Vagrantfile's path (found when the template was read), if any. */
  template?: string;
  templateContent?: string;
  architecture: string;
}

/**
 * Packer's `vagrant` post-processor for qemu builds: a gzipped tar of the disk (as box.img),
 * metadata.json, a Vagrantfile and the `include` files. The disk is streamed into the archive from
 * where the build left it, never copied first. Like Packer it replaces a box left by an earlier run.
 */
export class VagrantPostProcessor implements PostProcessor {
  constructor(readonly config: ResolvedVagrant) {}

  async run(ctx: PostProcessContext, artifact: Artifact): Promise<PostProcessorResult> {
    const { where, level, architecture } = this.config;
    const disk = libvirtDisk(artifact);
    const box = libvirtBox(artifact, await imageInfo(disk, ctx.signal));
    const data = { BuildName: ctx.buildName, BuilderType: ctx.buildType, Provider: 'libvirt', Architecture: architecture, ArtifactId: artifact.id };
    const renderIn = (text: string, key: string) => render(text, { data, buildName: ctx.buildName, buildType: ctx.buildType, where: `${where}.${key}` });
    const output = renderIn(this.config.output, 'output');
    const custom = await this.customVagrantfile();
    ctx.log.info(`Creating Vagrant box for the libvirt provider: ${output}`);
    const staging = await mkdtemp(join(tmpdir(), 'bake-vagrant-'));
    const partial = `${output}.partial`;
    try {
      await writeFile(join(staging, 'metadata.json'), `${JSON.stringify({ ...box.metadata, architecture })}\n`);
      const vagrantfile = `# Written by bake's vagrant post-processor for the libvirt provider.\n${box.vagrantfile}\n# From the template's vagrantfile_template:\n${custom === undefined ? '' : renderIn(custom, 'vagrantfile_template')}\n`;
      await writeFile(join(staging, 'Vagrantfile'), vagrantfile);
      const entries: TarEntry[] = [
        ...this.config.include.map((path) => ({ path, name: basename(path) })),
        { path: join(staging, 'metadata.json'), name: 'metadata.json' },
        { path: join(staging, 'Vagrantfile'), name: 'Vagrantfile' },
        { path: disk, name: 'box.img' },
      ];
      await this.checkIncludes();
      await mkdir(dirname(output), { recursive: true });
      await rm(partial, { force: true });
      await this.write(ctx, entries, partial);
      await rename(partial, output);
    } catch (err) {
      await rm(partial, { force: true });
      if (isAbort(err) || err instanceof BakeError) throw err;
      throw new BakeError(`vagrant post-processor: writing "${output}" failed: ${errorText(err)}`, { cause: err });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    const size = (await stat(output)).size;
    ctx.log.info(`Vagrant box ${output}: ${(size / 1024 / 1024).toFixed(1)} MiB (gzip level ${level})`);
    return {
      artifact: {
        builderType: 'vagrant',
        buildName: ctx.buildName,
        id: output,
        files: [output],
        images: {},
        metadata: { provider: 'libvirt', ...box.metadata, architecture },
        description: `Vagrant box (libvirt): ${output}`,
        destroy: () => rm(output, { force: true }),
      },
    };
  }

  private async customVagrantfile(): Promise<string | undefined> {
    if (this.config.templateContent !== undefined) return this.config.templateContent;
    if (this.config.template === undefined) return undefined;
    try {
      return await readFile(this.config.template, 'utf8');
    } catch (err) {
      throw new BakeError(`${this.config.where}.vagrantfile_template: cannot read "${this.config.template}": ${errorText(err)}`, { cause: err });
    }
  }

  private async checkIncludes(): Promise<void> {
    for (const path of this.config.include) {
      await stat(path).catch((err: unknown) => {
        throw new BakeError(`${this.config.where}.include: cannot read "${path}": ${errorText(err)}`, { cause: err });
      });
    }
  }

  private async write(ctx: PostProcessContext, entries: TarEntry[], dest: string): Promise<void> {
    const total = await inputBytes(entries.map((e) => e.path));
    const progress = byteProgress(ctx.log, 'Packing the Vagrant box', 'Vagrant box', total);
    const onData = (n: number) => progress.add(n);
    await pipeline(Readable.from(tarStream(entries, onData, ctx.signal)), createGzip({ level: this.config.level }), createWriteStream(dest), { signal: ctx.signal });
    progress.finish();
  }
}
