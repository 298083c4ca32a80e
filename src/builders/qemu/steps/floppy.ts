import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BakeError } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import type { ResolvedQemu } from '../resolve.js';
import type { FloppyState, OutputState } from '../state.js';

/** A 2.88 MB floppy less room for the FAT's own tables: about what QEMU's FAT floppy can present. */
const FLOPPY_BYTES = 2_800_000;

function bytesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => statSync(join(dir, f)))
    .filter((s) => s.isFile())
    .reduce((sum, s) => sum + s.size, 0);
}

/**
 * floppy_files, floppy_dirs and floppy_content gathered in a directory of the work directory,
 * which QEMU presents to the guest as a FAT floppy (A:). Removed with the work directory.
 */
export function floppyStep(c: ResolvedQemu): Step<OutputState, FloppyState> {
  return {
    name: 'floppy',
    run: async (ctx, { workDir }) => {
      if (!c.floppy) return {};
      const dir = join(workDir, 'floppy');
      mkdirSync(dir);
      for (const file of c.floppy.files) cpSync(file, join(dir, basename(file)));
      for (const d of c.floppy.dirs) cpSync(d, join(dir, basename(d)), { recursive: true });
      for (const [name, content] of Object.entries(c.floppy.content)) writeFileSync(join(dir, name), content);
      const bytes = bytesUnder(dir);
      if (bytes > FLOPPY_BYTES) {
        throw new BakeError(`qemu: floppy_files/floppy_dirs/floppy_content take ${bytes} bytes, more than a floppy holds (${FLOPPY_BYTES}): put the larger files in cd_files`);
      }
      const names = [...c.floppy.files, ...c.floppy.dirs].map((p) => basename(p)).concat(Object.keys(c.floppy.content));
      ctx.log.say(`Attaching a floppy with ${names.join(', ')}`);
      return { floppyDir: dir };
    },
  };
}
