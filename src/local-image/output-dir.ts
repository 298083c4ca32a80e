import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import type { BuildContext } from '../core/context.js';
import { BakeError } from '../core/errors.js';

/** output_directory and the image's path inside it, with Packer's defaults from the build name. */
export function outputPaths(c: { outputDir?: string; vmName?: string }, buildName: string): { dir: string; image: string } {
  const dir = c.outputDir ?? resolvePath(`output-${buildName}`);
  return { dir, image: join(dir, c.vmName ?? `packer-${buildName}`) };
}

type DirContext = Pick<BuildContext, 'log' | 'force' | 'journal'>;

/**
 * output_directory (refusing an existing one unless -force) and a private work directory, both journaled so
 * that `bake cleanup` removes them if bake itself is killed; `cleanup` keeps the output of a build that succeeded.
 */
export function outputDirectory(builder: string, outcome: { succeeded: boolean }) {
  let created: string | undefined;
  let work: string | undefined;
  return {
    create(ctx: DirContext, dir: string): { outputDir: string; workDir: string } {
      if (existsSync(dir)) {
        if (!ctx.force) throw new BakeError(`${builder}: output directory ${dir} already exists: remove it, set output_directory, or run with -force`);
        ctx.log.say(`Deleting existing output directory ${dir} (-force)`);
        rmSync(dir, { recursive: true, force: true });
      }
      // Journaled before it exists, so that a kill between the two cannot leave it unrecorded.
      ctx.journal.created({ type: 'local:path', id: dir });
      mkdirSync(dir, { recursive: true });
      created = dir;
      work = mkdtempSync(join(tmpdir(), `bake-${builder}-`));
      ctx.journal.created({ type: 'local:path', id: work });
      return { outputDir: dir, workDir: work };
    },
    cleanup(ctx: DirContext): void {
      if (work) {
        rmSync(work, { recursive: true, force: true });
        ctx.journal.removed({ type: 'local:path', id: work });
      }
      if (created && !outcome.succeeded) {
        ctx.log.info(`Removing incomplete output directory ${created}`);
        rmSync(created, { recursive: true, force: true });
      }
      // A finished image is the artifact, not a leftover.
      if (created) ctx.journal.removed({ type: 'local:path', id: created });
    },
  };
}
