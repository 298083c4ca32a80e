import { copyFile } from 'node:fs/promises';
import type { Step } from '../../../core/steps.js';
import type { ResolvedQemu } from '../resolve.js';
import { runTool } from '../../../local-image/index.js';
import type { DiskState, OutputState, SourceState } from '../state.js';

async function virtualSizeMiB(path: string, signal: AbortSignal): Promise<number> {
  const info = JSON.parse(await runTool('qemu-img', ['info', '--output=json', path], { signal })) as { 'virtual-size': number };
  return info['virtual-size'] / 1024 / 1024;
}

/**
 * The build's disk in the output directory: an overlay on the base, a plain copy, or a conversion,
 * grown to disk_size; for an install (disk_image false) a blank disk of disk_size, the ISO kept aside.
 */
export function diskStep(c: ResolvedQemu): Step<OutputState & SourceState, DiskState> {
  return {
    name: 'create disk',
    run: async (ctx, { imagePath, sourcePath, sourceFormat }) => {
      const signal = ctx.signal;
      if (c.installFromIso) {
        ctx.log.say(`Creating a blank ${c.diskSizeMiB} MiB ${c.format} disk for the installer`);
        await runTool('qemu-img', ['create', '-f', c.format, ...c.qemuImgArgs.create, imagePath, `${c.diskSizeMiB}M`], { signal });
        return { diskFormat: c.format, installerIso: sourcePath };
      }
      if (c.useBackingFile) {
        ctx.log.say('Creating a qcow2 overlay on the base image (use_backing_file)');
        await runTool('qemu-img', ['create', '-f', 'qcow2', '-b', sourcePath, '-F', sourceFormat, ...c.qemuImgArgs.create, imagePath], { signal });
      } else if (sourceFormat === c.format) {
        ctx.log.say(`Copying the base image to ${imagePath}`);
        await copyFile(sourcePath, imagePath);
      } else {
        ctx.log.say(`Converting the base image to ${c.format} at ${imagePath}`);
        await runTool('qemu-img', ['convert', '-f', sourceFormat, '-O', c.format, ...c.qemuImgArgs.convert, sourcePath, imagePath], { signal });
      }
      if (c.diskSizeMiB !== undefined && !c.skipResize) {
        const current = await virtualSizeMiB(imagePath, signal);
        if (c.diskSizeMiB > current) {
          ctx.log.info(`Growing the disk to ${c.diskSizeMiB} MiB`);
          await runTool('qemu-img', ['resize', '-f', c.format, ...c.qemuImgArgs.resize, imagePath, `${c.diskSizeMiB}M`], { signal });
        } else if (c.diskSizeMiB < current) {
          ctx.log.warn(`disk_size ${c.diskSizeMiB} MiB is smaller than the base image (${Math.ceil(current)} MiB); keeping the base image's size`);
        }
      }
      return { diskFormat: c.format };
    },
  };
}
