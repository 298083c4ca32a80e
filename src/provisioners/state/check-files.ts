import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { BUILDER_VALUE_NAMES } from '../../core/context.js';
import { errorText } from '../../core/errors.js';
import type { StateSource } from './load.js';
import { fillVars, undefinedVars } from './render.js';

/**
 * `bake validate`'s look into the state files: each must exist, use only `{{ .key }}` names the
 * provisioner's `vars` or a builder defines, parse, and name known functions with valid arguments,
 * so a typo is reported with all the others before an image is copied or a guest booted.
 * Returns the sources (a builder's values stand in as "0") and one message per problem.
 */
export function readStateFilesNow(
  files: { path: string; key: string }[],
  templateDir: string,
  vars: Record<string, string>,
  where: string,
): { sources: StateSource[]; errors: string[] } {
  const sources: StateSource[] = [];
  const errors: string[] = [];
  const known = [...Object.keys(vars), ...BUILDER_VALUE_NAMES];
  const values = { ...vars };
  for (const file of files) {
    const path = isAbsolute(file.path) ? file.path : resolve(templateDir, file.path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      errors.push(`${where}.${file.key}: state file ${file.path} does not exist or cannot be read`);
      continue;
    }
    errors.push(...undefinedVars(text, known, file.path, Object.keys(vars)));
    // Undefined names stand in as "0" too: the states after them are still checked.
    const raw = parseYaml(fillVars(text, values, '0'), file.path, errors);
    if (raw !== undefined) sources.push({ prefix: `${file.path}: `, baseDir: dirname(path), raw });
  }
  return { sources, errors };
}

function parseYaml(text: string, file: string, errors: string[]): unknown {
  // Required here, not imported at the top: templates without state files never load yaml (start-up time).
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  try {
    return yaml.parse(text, { prettyErrors: true }) ?? {};
  } catch (err) {
    errors.push(`${file}: ${errorText(err).split('\n')[0].replace(/:$/, '')}`);
    return undefined;
  }
}
