import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTemplate, readSource, readTemplateFile, STDIN } from '../template/index.js';
import { hcl2 } from './templates.js';

export interface FmtFlags {
  check?: boolean;
  write?: boolean;
  diff?: boolean;
  /** Directories: also their subdirectories' HCL2 files. */
  recursive?: boolean;
}

/** Packer formats these (`packer fmt`); a directory stands for those in it. */
const HCL2_FILE = /\.(pkr|pkrvars)\.hcl$/;

/**
 * Rewrites templates canonically: legacy JSON as bake's canonical JSON, HCL2 files
 * (.pkr.hcl, .pkrvars.hcl, or a directory of them) as `packer fmt` does. Exit 0 when every file
 * is formatted (or was rewritten), 3 with -check when one is not (as `packer fmt -check`).
 */
export async function fmtCommand(paths: string[], flags: FmtFlags): Promise<number> {
  const write = flags.write ?? !flags.check;
  let unformatted = 0;
  for (const file of paths.flatMap((p) => expand(p, flags.recursive ?? false))) {
    const hcl = HCL2_FILE.test(file);
    const before = hcl ? readFileSync(file, 'utf8') : readSource(file);
    const after = hcl ? (await hcl2()).formatHclFile(file, before) : formatTemplate(readTemplateFile(file));
    // `bake fmt -` formats standard input to standard output, as gofmt does.
    if (file === STDIN && !flags.check && !flags.diff) {
      process.stdout.write(after);
      continue;
    }
    if (before === after) continue;
    unformatted++;
    process.stdout.write(file + '\n');
    if (flags.diff) {
      // Loaded only for -diff: every other command starts without it.
      const { createTwoFilesPatch } = await import('diff');
      process.stdout.write(createTwoFilesPatch(file, file, before, after, 'original', 'formatted'));
    }
    if (write && file !== STDIN) writeFileSync(file, after);
  }
  return flags.check && unformatted > 0 ? 3 : 0;
}

/** A directory's HCL2 files in name order (hidden and editor backup files left out, as Packer does). */
function expand(path: string, recursive: boolean): string[] {
  if (path === STDIN || !isDirectory(path)) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && !e.name.endsWith('~') && !(e.name.startsWith('#') && e.name.endsWith('#')))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const full = join(path, e.name);
      if (e.isDirectory()) return recursive ? expand(full, true) : [];
      return HCL2_FILE.test(e.name) ? [full] : [];
    });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
