import { mkdir, stat } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import type { Communicator, TransferOptions } from '../../communicator/types.js';
import type { ProvisionContext } from '../../core/context.js';
import { BakeError, errorText, isAbort, throwIfAborted } from '../../core/errors.js';
import type { Provisioner } from '../../plugins/types.js';
import type { ResolvedFile } from './resolve.js';
import { targetPath } from './target.js';

const CONTENT_FILE = 'pkr-file-content';
const PROGRESS_EVERY_MS = 200;

export class FileProvisioner implements Provisioner {
  constructor(readonly config: ResolvedFile) {}

  async run(ctx: ProvisionContext, comm: Communicator): Promise<void> {
    const c = this.config;
    if (c.content !== undefined) {
      const dest = c.destination.endsWith('/') ? posix.join(c.destination, CONTENT_FILE) : c.destination;
      ctx.log.info(`Uploading content => ${dest}`);
      await this.transfer(`content => ${dest}`, () => comm.uploadData(c.content ?? '', dest, { signal: ctx.signal }));
      return;
    }
    for (const s of c.sources) {
      throwIfAborted(ctx.signal);
      if (c.direction === 'upload') await this.upload(ctx, comm, s);
      else await this.download(ctx, comm, s.path);
    }
  }

  private async upload(ctx: ProvisionContext, comm: Communicator, s: { key: string; path: string }): Promise<void> {
    const info = await stat(s.path).catch(() => undefined);
    if (!info) {
      throw new BakeError(`file provisioner: ${s.key} "${s.path}" does not exist (relative to the working directory ${process.cwd()})`);
    }
    const dest = targetPath(s.path, info.isDirectory(), this.config.destination, this.config.sources.length > 1);
    ctx.log.info(`Uploading ${s.path} => ${dest}`);
    await this.transfer(`${s.path} => ${dest}`, () => comm.upload(s.path, dest, progress(ctx, `Uploading ${s.path}`, 'upload')));
  }

  private async download(ctx: ProvisionContext, comm: Communicator, src: string): Promise<void> {
    // As Packer: a destination ending in "/" gets the source's base name; a source ending in "/"
    // is a directory whose contents land there.
    const dest = targetPath(src, false, this.config.destination, this.config.sources.length > 1);
    ctx.log.info(`Downloading ${src} => ${dest}`);
    await mkdir(dest.endsWith('/') ? dest : dirname(dest), { recursive: true });
    await this.transfer(`${src} => ${dest}`, () => comm.download(src, dest, progress(ctx, `Downloading ${src}`, 'download')));
  }

  private async transfer(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new BakeError(`file provisioner: ${this.config.direction} ${what} failed: ${errorText(err)}`, { cause: err });
    }
  }
}

/** Progress events at most every PROGRESS_EVERY_MS, plus the last one, so a big upload does not flood the log. */
function progress(ctx: ProvisionContext, text: string, label: string): TransferOptions {
  let last = 0;
  return {
    signal: ctx.signal,
    onProgress: (current, total) => {
      const done = current >= total;
      if (!done && Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      ctx.log.progress(text, { label, current, total, unit: 'bytes', done });
    },
  };
}
