import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import type { Body } from '../ast.js';
import { parseFile } from '../parse-body.js';
import { parseJsonFile } from './json-syntax.js';

/** Whether a path names an HCL2 template: a .pkr.hcl or .pkr.json file, or a directory. */
export function isHcl2Path(path: string): boolean {
  if (/\.pkr\.(hcl|json)$/i.test(path)) return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface TemplateFiles {
  /** The configuration files' bodies, in name order (Packer reads a directory sorted). */
  bodies: Body[];
  /** *.auto.pkrvars.hcl / .json of a directory, in name order. */
  autoVarFiles: string[];
  /** Whether the template was given as a directory. */
  directory: boolean;
}

export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new UsageError(`${file}: cannot read the ${what}: ${why}`);
  }
}

/** Parses one file of either syntax by its name. */
export function parseConfigFile(file: string): Body {
  const text = readText(file, 'template');
  return /\.json$/i.test(file) ? parseJsonFile(file, text) : parseFile(file, text);
}

/** As Packer 1.9: a file, or every *.pkr.hcl and *.pkr.json of a directory (not its subdirectories). */
export function readTemplateFiles(path: string): TemplateFiles {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`${path}: cannot read the template: no such file or directory`);
  }
  if (!isDir) return { bodies: [parseConfigFile(path)], autoVarFiles: [], directory: false };
  const names = readdirSync(path).sort();
  const configs = names.filter((n) => /\.pkr\.(hcl|json)$/.test(n)).map((n) => join(path, n));
  if (configs.length === 0) throw new UsageError(`${path}: no *.pkr.hcl or *.pkr.json file in this directory`);
  return {
    bodies: configs.map(parseConfigFile),
    autoVarFiles: names.filter((n) => /\.auto\.pkrvars\.(hcl|json)$/.test(n)).map((n) => join(path, n)),
    directory: true,
  };
}
