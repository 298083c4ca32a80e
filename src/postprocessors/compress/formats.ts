import { UsageError } from '../../core/errors.js';

export type Codec = 'none' | 'gzip' | 'zstd' | 'xz' | 'lz4' | 'zip';

export interface Format {
  /** Whether the files are put in a tar archive first; a bare codec holds exactly one file. */
  tar: boolean;
  codec: Codec;
}

const FORMATS: Record<string, Format> = {
  'tar.gz': { tar: true, codec: 'gzip' },
  tgz: { tar: true, codec: 'gzip' },
  'tar.zst': { tar: true, codec: 'zstd' },
  'tar.xz': { tar: true, codec: 'xz' },
  'tar.lz4': { tar: true, codec: 'lz4' },
  tar: { tar: true, codec: 'none' },
  gz: { tar: false, codec: 'gzip' },
  zst: { tar: false, codec: 'zstd' },
  xz: { tar: false, codec: 'xz' },
  lz4: { tar: false, codec: 'lz4' },
  zip: { tar: false, codec: 'zip' },
};

const LEVELS: Record<Codec, [number, number]> = { none: [0, 19], gzip: [0, 9], zstd: [1, 19], xz: [0, 9], lz4: [1, 12], zip: [0, 9] };

/** The format named by `format`, else by the longest matching extension of `output`. */
export function detectFormat(output: string, format: string | undefined, level: number, where: string): Format {
  const names = Object.keys(FORMATS);
  let found: Format | undefined;
  if (format !== undefined) {
    found = FORMATS[format.replace(/^\./, '')];
    if (!found) throw new UsageError(`${where}.format: "${format}" is not one of ${names.join(', ')}`);
  } else {
    const ext = names.filter((n) => output.endsWith(`.${n}`)).sort((a, b) => b.length - a.length)[0];
    if (!ext) throw new UsageError(`${where}.output: cannot tell the format of "${output}"; end it with one of .${names.join(', .')} or set "format"`);
    found = FORMATS[ext];
  }
  const [min, max] = LEVELS[found.codec];
  if (found.codec !== 'none' && (level < min || level > max)) {
    throw new UsageError(`${where}.compression_level: ${found.codec} takes ${min} to ${max} (got ${level})`);
  }
  return found;
}
