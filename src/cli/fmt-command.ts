import { writeFileSync } from 'node:fs';
import { formatTemplate, readSource, readTemplateFile, STDIN } from '../template/index.js';

export interface FmtFlags {
  check?: boolean;
  write?: boolean;
  diff?: boolean;
}

/**
 * Rewrites templates canonically. Exit 0 when every file is formatted (or was rewritten),
 * 3 with -check when one is not (as `packer fmt -check` and `terraform fmt -check`).
 */
export async function fmtCommand(files: string[], flags: FmtFlags): Promise<number> {
  const write = flags.write ?? !flags.check;
  let unformatted = 0;
  for (const file of files) {
    const after = formatTemplate(readTemplateFile(file));
    const before = readSource(file);
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
